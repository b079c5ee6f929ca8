import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { Msg, NatsConnection } from "@nats-io/transport-node";
import { TELEMETRY_STREAM, subjects } from "@meshfleet/shared";
import { DEFAULT_DURABLE, type IngestItem } from "@meshfleet/controller";
import { buildSnapshot } from "@meshfleet/controller/testing";
import { waitFor } from "@meshfleet/testkit";
import { jetStreamApiSubjects, startBroker, type Broker } from "./broker";

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

/** Collects what arrives on a subscription until read. */
function collect(nc: NatsConnection, subject: string): Msg[] {
  const got: Msg[] = [];
  nc.subscribe(subject, { callback: (err, m) => { if (!err) got.push(m); } });
  return got;
}

/**
 * A hostile node, with its real credentials, against the nats-server configuration
 * `nats-config` generates (one account per node): with the per-user permission lists,
 * and without them (the account layout alone must hold).
 */
describe.each([
  { mode: "with the per-user permission lists", permissionLists: true },
  { mode: "accounts alone (permission lists stripped)", permissionLists: false },
])("a hostile node cannot reach the stream's API or another node: $mode", ({ permissionLists }) => {
  let b: Broker;
  let na: NatsConnection;
  let nb: NatsConnection;

  beforeAll(async () => {
    b = await startBroker(["na", "nb"], { permissionLists });
    na = await b.asNode("na");
    nb = await b.asNode("nb");
  });
  afterAll(async () => {
    await b?.dispose();
  });

  /** na's JetStream publish on its own subject, acknowledged: everything na sent before has been through the stream. */
  const barrier = async () => (await jetstream(na, { timeout: 5000 }).publish(subjects.telemetry("na"), "{}")).seq;

  it("acknowledges a node's JetStream publish on its own inbox, across the accounts", async () => {
    const ack = await jetstream(nb, { timeout: 5000 }).publish(subjects.hello("nb"), "{}");
    expect(ack.stream).toBe(TELEMETRY_STREAM);
    expect(ack.duplicate).toBe(false);
  });

  it("carries diagnostics both ways across the accounts: requests to the node, its output to the controller", async () => {
    const out = collect(b.controller, subjects.diagOutput("na"));
    await b.controller.flush();
    const req = na.subscribe(subjects.diag("na"), { max: 1 });
    await na.flush();
    b.controller.publish(subjects.diag("na"), "diag-request");
    for await (const m of req) {
      expect(m.string()).toBe("diag-request");
      na.publish(subjects.diagOutput("na"), "diag-output");
    }
    await waitFor(() => out.length > 0, { timeoutMs: 5000, what: "the node's diagnostic output at the controller" });
    expect(out.map((m) => m.string())).toEqual(["diag-output"]);
  });

  it("reply subjects aimed at every JetStream API subject change nothing: nb's 50 acknowledged snapshots are all stored", async () => {
    const jsb = jetstream(nb, { timeout: 5000 });
    for (let seq = 1; seq <= 50; seq++) {
      const ack = await jsb.publish(subjects.telemetry("nb"), enc(buildSnapshot({ node: "nb", seq, ts: 1_800_000_000_000 + seq * 10_000 })));
      expect(ack.stream).toBe(TELEMETRY_STREAM);
    }
    const api = jetStreamApiSubjects(TELEMETRY_STREAM, DEFAULT_DURABLE);
    for (const reply of api) na.publish(subjects.telemetry("na"), "{}", { reply });
    await barrier();
    const jsm = await jetstreamManager(b.controller);
    const info = await jsm.streams.info(TELEMETRY_STREAM, { subjects_filter: ">" });
    expect(info.state.subjects?.["mf.tel.nb"]).toBe(50);
    expect(info.config.deny_purge).toBe(true);
    expect(info.config.deny_delete).toBe(true);
    expect(info.config.retention).toBe("workqueue");
    expect((await jsm.consumers.list(TELEMETRY_STREAM).next()).map((c) => c.name)).toEqual([DEFAULT_DURABLE]);

    // the controller starts: every one of nb's acknowledged snapshots is stored
    const stored = new Set<number>();
    b.ingest.onCommitted((items: readonly IngestItem[]) => {
      for (const it of items) if (it.kind === "snapshot" && it.msg.node === "nb") stored.add(it.msg.seq);
    });
    await b.ingest.start();
    await waitFor(() => stored.size === 50, { timeoutMs: 15_000, what: "nb's 50 snapshots stored" });
    expect([...stored].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it("reply subjects cannot make the server publish into another node's jobs, inbox or telemetry", async () => {
    const jobsAtNb = collect(nb, subjects.job("nb"));
    const inboxAtNb = collect(nb, "_INBOX_nb.>");
    // in the controller's account: anything published on nb's subjects (what the stream would store) shows here
    const atController = {
      job: collect(b.controller, subjects.job("nb")),
      inbox: collect(b.controller, "_INBOX_nb.>"),
      tel: collect(b.controller, subjects.telemetry("nb")),
      hello: collect(b.controller, subjects.hello("nb")),
      status: collect(b.controller, subjects.jobStatus("nb")),
    };
    await nb.flush();
    await b.controller.flush();
    const targets = [subjects.job("nb"), "_INBOX_nb.x1", "_INBOX_nb.x2.y", subjects.telemetry("nb"), subjects.hello("nb"), subjects.jobStatus("nb")];
    for (const reply of targets) {
      na.publish(subjects.telemetry("na"), "{}", { reply });
      na.publish(subjects.hello("na"), "{}", { reply });
      na.publish(subjects.jobStatus("na"), "{}", { reply });
    }
    await barrier();
    // one real job: nb receives exactly it, nothing before it
    b.controller.publish(subjects.job("nb"), "the real job");
    await waitFor(() => jobsAtNb.length > 0, { timeoutMs: 5000, what: "nb's real job" });
    await nb.flush();
    await b.controller.flush();
    expect(jobsAtNb.map((m) => m.string())).toEqual(["the real job"]);
    expect(inboxAtNb).toHaveLength(0);
    expect(atController.job.map((m) => m.string())).toEqual(["the real job"]);
    expect(atController.inbox).toHaveLength(0);
    expect(atController.tel).toHaveLength(0);
    expect(atController.hello).toHaveLength(0);
    expect(atController.status).toHaveLength(0);
  });

  it("no JetStream API subject answers a node directly", async () => {
    const api = jetStreamApiSubjects(TELEMETRY_STREAM, DEFAULT_DURABLE);
    const errors: string[] = [];
    void (async () => {
      for await (const s of na.status()) if (s.type === "error") errors.push(String((s as { error?: unknown }).error ?? ""));
    })();
    if (permissionLists) {
      for (const subj of api) na.publish(subj, "{}", { reply: "_INBOX_na.api" });
      await waitFor(() => api.every((subj) => errors.some((e) => e.includes(`Permissions Violation for Publish to "${subj}"`))), { timeoutMs: 10_000, what: "every API publish refused" });
    } else {
      // nothing in na's account serves the JetStream API: every request has no responders
      // Nothing in na's account serves the JetStream API (nats-server's own import of it
      // is shadowed): no request is answered. In 2.9.10 that import would answer, and
      // $JS.API.ACCOUNT.PURGE.MESHFLEET deletes the controller's streams.
      const answers = await Promise.all(
        api.map((subj) =>
          na.request(subj, "{}", { timeout: 3000 }).then(
            (m) => `${subj} answered ${m.string()}`,
            (e: Error) => (/timeout|no responders/i.test(e.message) ? null : `${subj} ${e.message}`),
          ),
        ),
      );
      expect(answers.filter((x) => x !== null)).toEqual([]);
      await barrier();
    }
    const info = await (await jetstreamManager(b.controller)).streams.info(TELEMETRY_STREAM);
    expect(info.config.deny_purge).toBe(true);
  });
});
