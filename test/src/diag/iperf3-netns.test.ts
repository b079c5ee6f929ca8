import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { DiagHandler, LocalRunner, PrefixedRunner } from "@meshfleet/agent";
import { DiagService, openStore, systemClock, writeBatch, type Store } from "@meshfleet/controller";
import { buildHello, buildSnapshot } from "@meshfleet/controller/testing";
import { subjects } from "@meshfleet/shared";
import { startNatsServer, tempDir, type RunningNatsServer } from "@meshfleet/testkit";
import { must, run } from "../lab/exec";
import { createNamespace, destroyNamespace, labNamespace, preClean, vethLink } from "../lab/netns";

const A = labNamespace("iperf", 1);
const B = labNamespace("iperf", 2);

/**
 * A throughput test between two nodes with the real iperf3 (Debian's package) in two
 * network namespaces joined by a veth pair: the controller's DiagService asks node B for
 * the one-off server and node A for the client over a real nats-server, each node's
 * DiagHandler runs its argv in its namespace (`ip netns exec`). The test asks for B by its
 * fleet name; the controller gives A the address B reported in its snapshot (10.77.0.2).
 */
describe("iperf3 between two nodes in network namespaces (real iperf3, real nats-server)", () => {
  let nats: RunningNatsServer;
  let nc: NatsConnection;
  let store: Store;
  const dir = tempDir("mf-iperf-netns-");
  const enc = new TextEncoder();

  beforeAll(async () => {
    if ((await run(["iperf3", "--version"]).catch(() => ({ code: 127 }))).code !== 0) throw new Error("iperf3 is not installed: apt-get install -y iperf3");
    await preClean();
    await createNamespace(A);
    await createNamespace(B);
    await vethLink(A, "veth-a", B, "veth-b");
    await must(["ip", "-n", A, "addr", "add", "10.77.0.1/24", "dev", "veth-a"]);
    await must(["ip", "-n", B, "addr", "add", "10.77.0.2/24", "dev", "veth-b"]);
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    store = openStore({ file: `${dir.path}/c.sqlite`, clock: systemClock });
    await writeBatch(store, ["node-a", "node-b"].map((node) => ({ kind: "hello" as const, msg: buildHello({ node, ts: Date.now() }) })), Date.now());
    // What each node reported: its veth address (B's is the one A is given for "node-b").
    const reported = (node: string, iface: string, address: string) => {
      const s = buildSnapshot({ node, seq: 1, ts: Date.now() });
      return { ...s, system: { ...s.system, data: { ...s.system.data!, addresses: [{ iface, address, prefixLen: 24, family: "inet" as const, scope: "global" as const }] } } };
    };
    await writeBatch(store, [reported("node-a", "veth-a", "10.77.0.1"), reported("node-b", "veth-b", "10.77.0.2")].map((msg) => ({ kind: "snapshot" as const, msg })), Date.now());
    for (const [node, ns] of [["node-a", A], ["node-b", B]] as const) {
      const runner = new PrefixedRunner(new LocalRunner(), { prefix: ["ip", "netns", "exec", ns] });
      const h = new DiagHandler({ node, runner, now: () => Date.now(), send: (m) => nc.publish(subjects.diagOutput(node), enc.encode(JSON.stringify(m))) });
      nc.subscribe(subjects.diag(node), { callback: (_e, m) => void h.handle(m.data) });
    }
    await nc.flush();
  }, 30_000);

  afterAll(async () => {
    store?.close();
    await nc?.close();
    await nats?.dispose();
    for (const ns of [A, B]) await destroyNamespace(ns);
    dir.cleanup();
  });

  it("node-b runs iperf3 -s -1, node-a iperf3 -c 10.77.0.2 (node-b's reported address): both finish, the receiver's figure is the same on both sides, the server exits after its one client", async () => {
    const svc = new DiagService({ nc, store, now: () => Date.now() });
    const r = await svc.run("node-a", { kind: "iperf3", target: "node-b", durationSec: 1 }, "test");
    expect(r.server).toMatchObject({ node: "node-b", result: "done", exitCode: 0, argv: ["iperf3", "-s", "-1", "-p", "5201", "--idle-timeout", "11", "--forceflush", "-f", "m"] });
    expect([r.result, r.exitCode, r.error]).toEqual(["done", 0, null]);
    expect(r.resolved).toEqual({ node: "node-b", address: "10.77.0.2", iface: "veth-b" });
    expect(r.output).toMatch(/^Connecting to host 10\.77\.0\.2, port 5201\n/);
    expect(r.server!.output).toContain("Server listening on 5201");
    expect(r.server!.output).toContain("Accepted connection from 10.77.0.1");
    const receiver = (t: string) => /([\d.]+) Mbits\/sec +receiver/.exec(t)?.[1];
    expect(Number(receiver(r.output))).toBeGreaterThan(0);
    expect(receiver(r.server!.output)).toBe(receiver(r.output));
    // Nothing left listening in B: a second client is refused until a new test starts a server.
    const again = await run(["ip", "netns", "exec", A, "iperf3", "-c", "10.77.0.2", "-t", "1"]);
    expect(again.code).not.toBe(0);
    expect(again.stdout + again.stderr).toContain("Connection refused");
    expect((await svc.audit(2)).map((x) => [x.node, x.kind, x.result])).toEqual([
      ["node-a", "iperf3", "done"],
      ["node-b", "iperf3-server", "done"],
    ]);
  }, 30_000);
});
