import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "@nats-io/nkeys";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { TELEMETRY_STREAM, subjects } from "@meshfleet/shared";
import { NatsPublisher } from "@meshfleet/agent";
import { startNatsServer, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { natsAccounts } from "@meshfleet/controller/enroll";
import { telemetryStreamConfig } from "@meshfleet/controller";

/** Per-node nkey users from the generated configuration, on a real nats-server. */
describe("nats-server with the generated per-node permissions", () => {
  const a = createUser();
  const b = createUser();
  const ctl = createUser();
  let srv: RunningNatsServer;
  let controller: NatsConnection;
  const dir = mkdtempSync(join(tmpdir(), "mf-perm-"));
  const asNode = (seed: Uint8Array, node: string) => connect({ servers: srv.url, authenticator: nkeyAuthenticator(seed), inboxPrefix: `_INBOX_${node}` });

  beforeAll(async () => {
    const config = natsAccounts(
      [
        { node: "node-a", publicKey: a.getPublicKey() },
        { node: "node-b", publicKey: b.getPublicKey() },
      ],
      ctl.getPublicKey(),
    );
    srv = await startNatsServer({ config });
    controller = await connect({ servers: srv.url, authenticator: nkeyAuthenticator(ctl.getSeed()) });
    await (await jetstreamManager(controller)).streams.add(telemetryStreamConfig());
  });
  afterAll(async () => {
    await controller?.close();
    await srv?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a connection without a known key", async () => {
    await expect(connect({ servers: srv.url, authenticator: nkeyAuthenticator(createUser().getSeed()), reconnect: false })).rejects.toThrow(/Authorization/i);
    await expect(connect({ servers: srv.url, reconnect: false })).rejects.toThrow(/Authorization/i);
  });

  it("lets node A publish its own telemetry with a JetStream ack, and nothing as node B", async () => {
    const nc = await asNode(a.getSeed(), "node-a");
    const js = jetstream(nc, { timeout: 2000 });
    const ack = await js.publish(subjects.telemetry("node-a"), JSON.stringify({ hello: 1 }));
    expect(ack.stream).toBe(TELEMETRY_STREAM);
    await expect(js.publish(subjects.telemetry("node-b"), "{}")).rejects.toThrow();
    await expect(js.publish(subjects.hello("node-b"), "{}")).rejects.toThrow();
    const info = await (await jetstreamManager(controller)).streams.info(TELEMETRY_STREAM);
    expect(info.state.messages).toBe(1);
    await nc.close();
  });

  it("denies node A node B's jobs, the telemetry and the JetStream API", async () => {
    const nc = await asNode(a.getSeed(), "node-a");
    const errors: string[] = [];
    void (async () => {
      for await (const s of nc.status()) if (s.type === "error") errors.push(String((s as { error?: unknown }).error ?? ""));
    })();
    nc.subscribe(subjects.job("node-b"));
    await waitFor(() => errors.some((e) => /Permissions Violation for Subscription to "mf\.job\.node-b"/i.test(e)), { timeoutMs: 5000, what: "subscription refused" });
    // nor read the telemetry: no subscription to other nodes' (or its own) telemetry subjects, no JetStream API
    nc.subscribe("mf.tel.>");
    await waitFor(() => errors.some((e) => /Permissions Violation for Subscription to "mf\.tel\.>"/i.test(e)), { timeoutMs: 5000, what: "telemetry subscription refused" });
    await expect(jetstreamManager(nc, { timeout: 1500 }).then((m) => m.streams.info(TELEMETRY_STREAM))).rejects.toThrow();
    // its own job subject works
    const own = nc.subscribe(subjects.job("node-a"), { max: 1, timeout: 5000 });
    await nc.flush(); // the server has the subscription before the controller publishes
    controller.publish(subjects.job("node-a"), "job");
    for await (const m of own) expect(m.string()).toBe("job");
    await nc.close();
  });

  it("the agent's publisher connects with the enrolled seed file and its inbox prefix", async () => {
    const seedFile = join(dir, "node-b.nk");
    writeFileSync(seedFile, new TextDecoder().decode(b.getSeed()), { mode: 0o600 });
    const p = new NatsPublisher({ servers: [srv.url], nkeySeedFile: seedFile, inboxPrefix: "_INBOX_node-b", publishTimeoutMs: 2000 });
    try {
      await waitFor(async () => {
        try {
          await p.publish(subjects.hello("node-b"), new TextEncoder().encode("{}"));
          return true;
        } catch {
          return false;
        }
      }, { timeoutMs: 10_000, what: "an acknowledged publish as node-b" });
    } finally {
      await p.close();
    }
    const info = await (await jetstreamManager(controller)).streams.info(TELEMETRY_STREAM);
    expect(info.state.messages).toBeGreaterThanOrEqual(2);
  });
});
