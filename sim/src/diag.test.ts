import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { PROTOCOL_VERSION, subjects, type DiagOutput } from "@meshfleet/shared";
import { buildSnapshot, collectAll, NatsPublisher, silentLog } from "@meshfleet/agent";
import { createApi, diagModule, openStore, Registry, silentLogger, systemClock, writeBatch, type Controller, type Store } from "@meshfleet/controller";
import { buildHello } from "@meshfleet/controller/testing";
import { nodePermissions } from "@meshfleet/controller/enroll";
import { SimFleet } from "./fleet";
import { World } from "./world";

describe("remote diagnostics: API -> NATS -> simulated agent -> back (real nats-server, real SQLite)", () => {
  let nats: RunningNatsServer;
  let nc: NatsConnection;
  let store: Store;
  const dir = tempDir("mf-sim-diag-");
  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    store = openStore({ file: `${dir.path}/c.sqlite`, clock: systemClock });
  });
  afterAll(async () => {
    store?.close();
    await nc?.close();
    await nats?.dispose();
    dir.cleanup();
  });

  /** A simulated mesh whose agents answer diagnostics, and the diagnostics API over the same broker. */
  async function meshWithApi(seed: number) {
    const world = new World({ seed, nodes: 7, routing: "babel", startMs: Date.now() });
    const publisher = new NatsPublisher({ servers: [nats.url], log: silentLog });
    const fleet = new SimFleet({ world, publisher, intervalMs: 1000, log: silentLog, agentVersion: "0.1.0-test" });
    const mod = diagModule();
    const deps = { store, clock: systemClock, log: silentLogger, registry: new Registry() };
    const app = createApi({ ...deps, routes: [mod.routes!(deps)] });
    await mod.start!({ nc, store } as unknown as Controller);
    // What each node reports (its addresses among them), collected through the agent's own collectors from the world.
    for (const node of world.nodeIds()) {
      const c = await collectAll({ runner: world.runnerFor(node), timeoutMs: 5000, routing: "auto", memo: {} });
      const snapshot = buildSnapshot({ node, boot: `${node}-world-${seed}`, seq: 1, ts: Date.now(), intervalMs: 1000, dropped: 0 }, c);
      await writeBatch(store, [{ kind: "hello" as const, msg: buildHello({ node, ts: Date.now() }) }, { kind: "snapshot" as const, msg: snapshot }], Date.now());
    }
    const post = async (node: string, body: unknown) => {
      const r = await app.request(`/api/diag/${node}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
      return { status: r.status, body: (await r.json()) as any };
    };
    fleet.start();
    const stop = async () => {
      await fleet.stop();
      await publisher.close();
    };
    /** Waits until `node`'s agent answers diagnostics (its subscription is in place once a first request comes back). */
    const ready = async (node: string) => {
      await waitFor(() => publisher.connected && fleet.agent(node)?.seq, { what: `${node} connected` });
      await waitFor(async () => (await post(node, { args: { kind: "ping", target: node, count: 1 }, deadlineMs: 2000 })).body.result === "done", { timeoutMs: 10_000, what: `${node}'s diag subscription` });
    };
    return { world, fleet, app, post, ready, stop };
  }

  it("ping and traceroute answered from the world, a refused argument, one at a time, every request audited", async () => {
    const { world, app, post, ready, stop } = await meshWithApi(4);
    try {
      await ready("node-1");

      const far = world.nodeIds().find((id) => id !== "node-1" && world.viewsAt(world.node("node-1")).peers.every((p) => p.peer.id !== id))!;
      const ping = await post("node-1", { args: { kind: "ping", target: far, count: 3, size: 100 } });
      expect(ping.status).toBe(200);
      // The controller gave the router far's LAN address (from far's snapshot), not its name.
      const farLan = world.node(far).lanAddress;
      expect(ping.body).toMatchObject({ node: "node-1", result: "done", exitCode: 0, argv: ["ping", "-c", "3", "-s", "100", "-W", "2", farLan], error: null, resolved: { node: far, address: farLan, iface: "br-lan" } });
      expect(ping.body.output).toContain(`PING ${world.node(far).lanAddress} (${world.node(far).lanAddress}): 100 data bytes`);
      expect(ping.body.output).toMatch(/3 packets transmitted, \d packets received/);

      const trace = await post("node-1", { args: { kind: "traceroute", target: far } });
      const lines = (trace.body.output as string).trim().split("\n").slice(1);
      expect(lines.length).toBeGreaterThanOrEqual(2);
      expect(lines[lines.length - 1]).toContain(world.node(far).lanAddress);

      // The API refuses what is not on the list; so does the node, whoever sends it.
      expect((await post("node-1", { args: { kind: "ping", target: "-f 8.8.8.8" } })).status).toBe(400);
      expect((await post("node-1", { args: { kind: "shell", cmd: "reboot" } })).status).toBe(400);
      expect((await post("node-1", { args: { kind: "ping", target: "8.8.8.8", count: 500 } })).status).toBe(400);
      const refused: DiagOutput[] = [];
      const sub = nc.subscribe(subjects.diagOutput("node-2"), { callback: (_e, m) => void refused.push(m.json<DiagOutput>()) });
      await nc.flush();
      // node-2's agent starts a fraction of an interval after node-1's (staggered): the raw
      // request is sent again until node-2 is subscribed and answers.
      const raw = JSON.stringify({ type: "diag", v: PROTOCOL_VERSION, id: "raw-request-0001", node: "node-2", args: { kind: "ping", target: "8.8.8.8; reboot" }, deadlineMs: 5000, ts: Date.now() });
      await waitFor(
        () => {
          if (refused.length > 0) return true;
          nc.publish(subjects.diag("node-2"), raw);
          return false;
        },
        { intervalMs: 200, what: "refusal" },
      );
      sub.unsubscribe();
      expect(refused[0]).toMatchObject({ id: "raw-request-0001", state: "refused", error: { code: "E_DIAG_REFUSED" } });

      // Asked for an event stream: accepted (argv), the output line by line as the node prints it, then the result.
      const streamed = await app.request(`/api/diag/node-1`, { method: "POST", body: JSON.stringify({ args: { kind: "ping", target: far, count: 4 } }), headers: { "content-type": "application/json", accept: "text/event-stream" } });
      expect(streamed.headers.get("content-type")).toContain("text/event-stream");
      const events = (await streamed.text())
        .split("\n\n")
        .filter((b) => b.trim() !== "")
        .map((b) => ({ event: /^event: (.*)$/m.exec(b)![1]!, data: JSON.parse(/^data: (.*)$/m.exec(b)![1]!) as { argv?: string[]; text?: string; output?: string; result?: string } }));
      expect(events[0]).toEqual({ event: "accepted", data: { argv: ["ping", "-c", "4", "-s", "56", "-W", "2", farLan] } });
      const outputs = events.filter((e) => e.event === "output");
      const last = events[events.length - 1]!;
      expect(last.event).toBe("result");
      expect(last.data.result).toBe("done");
      // Every line came as its own chunk (header, replies, blank, statistics), together exactly the result's output.
      expect(outputs.length).toBe(last.data.output!.split("\n").length - 1);
      expect(outputs.map((o) => o.data.text).join("")).toBe(last.data.output);
      expect(events.map((e) => e.event)).toEqual(["accepted", ...outputs.map(() => "output"), "result"]);

      const audit = await app.request("/api/diag/audit?node=node-1");
      const rows = ((await audit.json()) as { audit: { kind: string; result: string; who: string; argv: string[] | null }[] }).audit;
      expect(rows.slice(0, 6).map((r) => [r.kind, r.result, r.who])).toEqual([
        ["ping", "done", "local"],
        ["ping", "refused", "local"],
        ["shell", "refused", "local"],
        ["ping", "refused", "local"],
        ["traceroute", "done", "local"],
        ["ping", "done", "local"],
      ]);
      expect(rows[5]!.argv).toEqual(["ping", "-c", "3", "-s", "100", "-W", "2", farLan]);
    } finally {
      await stop();
    }
  }, 60_000);

  it("iperf3 between two nodes: the target runs the one-off server first, then the node the client; both audited, the server's part in the result; a scan's parsed networks", async () => {
    const { world, app, post, ready, stop } = await meshWithApi(5);
    try {
      await ready("node-1");
      await ready("node-3");
      const r = await post("node-1", { args: { kind: "iperf3", target: "node-3", durationSec: 2 } });
      expect(r.status).toBe(200);
      const lan3 = world.node("node-3").lanAddress;
      expect(r.body).toMatchObject({ node: "node-1", result: "done", exitCode: 0, argv: ["iperf3", "-c", lan3, "-p", "5201", "-t", "2", "-f", "m"], error: null, resolved: { node: "node-3", address: lan3, iface: "br-lan" } });
      expect(r.body.server).toMatchObject({ node: "node-3", result: "done", exitCode: 0, argv: ["iperf3", "-s", "-1", "-p", "5201", "--idle-timeout", "12", "--forceflush", "-f", "m"], error: null });
      const server = r.body.server.output as string;
      expect(server).toContain("Server listening on 5201 (test #1)");
      expect(server).toContain(`Accepted connection from ${world.node("node-1").lanAddress}`);
      // The receiver's summary on both sides is the same test.
      const receiver = (t: string) => /([\d.]+) Mbits\/sec +receiver/.exec(t)?.[1];
      expect(receiver(server)).toBeTruthy();
      expect(receiver(server)).toBe(receiver(r.body.output as string));
      const audit = async (node: string) => ((await (await app.request(`/api/diag/audit?node=${node}&limit=1`)).json()) as { audit: { kind: string; result: string; args: unknown }[] }).audit[0];
      expect(await audit("node-3")).toMatchObject({ kind: "iperf3-server", result: "done", args: { kind: "iperf3-server", durationSec: 2 } });
      expect(await audit("node-1")).toMatchObject({ kind: "iperf3", result: "done", args: { kind: "iperf3", target: "node-3", address: lan3, durationSec: 2 } });
      // The server side alone is not on the API's list; a node's own iperf3 client without a server is refused by the node.
      expect((await post("node-3", { args: { kind: "iperf3-server", durationSec: 2 } })).status).toBe(400);
      const direct = await post("node-1", { args: { kind: "iperf3", target: world.node("node-3").lanAddress, durationSec: 1 } });
      expect([direct.body.result, direct.body.exitCode, direct.body.server]).toEqual(["done", 1, undefined]);
      expect(direct.body.output).toContain("Connection refused");

      // A scan's result carries the networks the node's parser read from iw's text: the same BSSIDs, per channel.
      const scan = await post("node-1", { args: { kind: "scan", iface: "mesh0" } });
      expect(scan.body.result).toBe("done");
      const printed = [...(scan.body.output as string).matchAll(/^BSS ([0-9a-f:]{17})\(on mesh0\)/gm)].map((m) => m[1]).sort();
      expect(printed.length).toBeGreaterThan(0);
      expect((scan.body.scan.bss as { bssid: string }[]).map((b) => b.bssid).sort()).toEqual(printed);
      expect((scan.body.scan.channels as { networks: number }[]).reduce((n, c) => n + c.networks, 0)).toBe(printed.length);
      expect((await post("node-1", { args: { kind: "ping", target: "node-3", count: 1 } })).body.scan).toBeNull();
    } finally {
      await stop();
    }
  }, 60_000);

  it("the generated per-node permissions let a node receive its diag requests and publish only its own answers", () => {
    expect(nodePermissions("node-1").subscribe).toContain(subjects.diag("node-1"));
    expect(nodePermissions("node-1").publish).toContain(subjects.diagOutput("node-1"));
    expect(nodePermissions("node-1").publish).not.toContain(subjects.diagOutput("node-2"));
  });
});
