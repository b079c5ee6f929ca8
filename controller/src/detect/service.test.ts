import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import type { Alert } from "@meshfleet/shared";
import { buildHello } from "../../testing";
import type { IngestItem } from "../ingest/decode";
import { silentLogger } from "../log";
import { FakeClock, openStore, type Store } from "../store/index";
import { DetectionService } from "./service";
import { acceptRule, neighbor, route, snap } from "../../testing/detect";

const T0 = 1_700_000_000_000;
const cfg = { churn: { halfLifeMs: 60_000 }, convergence: { quietMs: 20_000, slowMs: 60_000 } };

describe("DetectionService (real SQLite store, plain calls)", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  const clock = new FakeClock(T0);
  const delivered: Alert[] = [];
  let seq = 0;
  const make = () => new DetectionService({ store, clock, log: silentLogger, config: cfg, sinks: [{ name: "rec", deliver: (a) => Promise.resolve(void delivered.push(a)) }] });
  const hello = (node: string, ll: string): IngestItem => ({ kind: "hello", msg: { ...buildHello({ node, ts: T0 }), interfaces: [{ name: "eth0", mac: null, linkLocal: [ll], wireless: false }] } });
  /** The nodes (`id:link-local`) as the ingest has them: hellos committed first (they map addresses to nodes), then handled. */
  const greet = async (svc: DetectionService, nodes: readonly string[]) => {
    await store.transaction(async () => {
      for (const x of nodes) await store.nodes.applyHello(hello(x.split(":")[0]!, x.slice(3)).msg as never, T0);
    });
    await svc.handle(nodes.map((x) => hello(x.split(":")[0]!, x.slice(3))));
  };
  const r1 = (via: string, counters = [acceptRule(521)]): IngestItem => ({
    kind: "snapshot",
    msg: snap({ node: "r1", ts: clock.now(), seq: ++seq, routes: [route("::/0", via), route("2001:db8:1::/64", null, { protocol: "direct1" })], neighbors: [neighbor(via, "eth0")], counters }),
  });

  beforeEach(async () => {
    dir = tempDir("mf-detect-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    clock.set(T0);
    delivered.length = 0;
    seq = 0;
  });
  afterEach(async () => {
    store.close();
    dir.cleanup();
  });

  it("stores events, opens route_flapping with evidence, survives a restart with its scores, and resolves after the flapping stops", async () => {
    let svc = make();
    await svc.load();
    await greet(svc, ["r1:fe80::1", "r2:fe80::2", "r4:fe80::4"]);
    await svc.handle([r1("fe80::2")]);
    for (let i = 0; i < 3; i++) {
      clock.advance(10_000);
      await svc.handle([r1(i % 2 === 0 ? "fe80::4" : "fe80::2")]);
    }
    const changes = await svc.repo.events({ node: "r1", code: "route_nexthop_changed" });
    expect(changes.map((e) => [e.ts - T0, e.subject])).toEqual([
      [30_000, "route:r1:::/0"],
      [20_000, "route:r1:::/0"],
      [10_000, "route:r1:::/0"],
    ]);
    expect(changes[2]).toMatchObject({ before: { nextHop: "fe80::2%eth0", viaNode: "r2" }, after: { nextHop: "fe80::4%eth0", viaNode: "r4" } });
    expect(await svc.repo.events({ node: "r1", code: "neighbor_down" })).toHaveLength(3);
    const open = await svc.alerts.list({ state: "open", code: "route_flapping" });
    expect(open.map((a) => [a.subject, a.node, a.openedAt - T0])).toEqual([["route:r1:::/0", "r1", 30_000]]);
    expect(open[0]!.evidence.eventIds).toEqual(changes.map((e) => e.id).reverse());
    expect(open[0]!.evidence.scores.map((s) => s.score)).toEqual([1000, 1890.9, 2684.6]);
    // In words, for a person.
    expect(open[0]!.text).toEqual({
      what: "default route ::/0 flapping on r1",
      where: ["r1", "r2", "r4"],
      since: T0 + 10_000,
      why: "default route ::/0 on r1 changed next hop 3 times in 20 s, between r2 and r4",
      evidence: [`${new Date(T0 + 10_000).toISOString().slice(11, 19)} nexthop changed: r2 -> r4`, `${new Date(T0 + 20_000).toISOString().slice(11, 19)} nexthop changed: r4 -> r2`, `${new Date(T0 + 30_000).toISOString().slice(11, 19)} nexthop changed: r2 -> r4`],
      check: ["the mesh links of r1 towards r2 and r4 (signal, interference)", "the routing daemon on r1 (babeld/BIRD log, interface costs)"],
    });
    // Each neighbour went down at most twice in 20 s: 1000 * 2^(-1/3) + 1000 = 1794, below 2000.
    expect(await svc.alerts.list({ state: "open", code: "neighbor_flapping" })).toEqual([]);
    expect(Math.round(svc.scores(clock.now()).subjects.find((x) => x.subject === "neighbor:r1:fe80::2%eth0")!.score)).toBe(1794);
    expect(svc.scores(clock.now()).nodes.r1).toBeGreaterThan(2685);

    // Restart: a new service on the same store continues with the same score and open alert.
    svc = make();
    await svc.load();
    expect(svc.alerts.isOpen("route_flapping", "route:r1:::/0")).toBe(true);
    expect(svc.scores(clock.now()).subjects.find((s) => s.subject === "route:r1:::/0")?.score).toBe(2685);
    // Stable route from now on; 2685 -> 750 takes log2(3.58) = 1.84 half-lives = 110.4 s.
    for (let t = 10_000; t <= 120_000; t += 10_000) {
      clock.advance(10_000);
      await svc.handle([r1("fe80::4")]);
      await svc.tick();
      const resolved = !svc.alerts.isOpen("route_flapping", "route:r1:::/0");
      expect([t, resolved]).toEqual([t, t > 110_000]);
    }
    const done = (await svc.alerts.list({ state: "resolved", code: "route_flapping" }))[0]!;
    expect(done.resolvedAt! - T0).toBe(150_000);
    expect(done.evidence.scores.at(-1)!.score).toBeLessThan(750);
    await svc.alerts.flush();
    expect(delivered.filter((a) => a.code === "route_flapping").map((a) => a.state)).toEqual(["open", "resolved"]);
  });

  it("a snapshot redelivered after newer ones (a failed batch handed back) reports nothing: one move is one event and 1000 of churn, not three", async () => {
    const svc = make();
    await svc.load();
    await greet(svc, ["r1:fe80::1", "r2:fe80::2", "r4:fe80::4"]);
    const first = r1("fe80::2");
    await svc.handle([first]);
    clock.advance(10_000);
    await svc.handle([r1("fe80::4")]);
    // The first one again (seq 1 < 2), then a newer one on the new path.
    clock.advance(1000);
    await svc.handle([first]);
    clock.advance(9000);
    await svc.handle([r1("fe80::4")]);
    const changes = await svc.repo.events({ node: "r1", code: "route_nexthop_changed" });
    expect(changes.map((e) => [e.ts - T0, e.subject])).toEqual([[10_000, "route:r1:::/0"]]);
    expect(changes[0]).toMatchObject({ before: { viaNode: "r2" }, after: { viaNode: "r4" } });
    // 1000 at +10 s, decayed over 10 s of a 60 s half-life.
    expect(Math.round(svc.scores(clock.now()).subjects.find((x) => x.subject === "route:r1:::/0")!.score)).toBe(891);
    expect(await svc.repo.events({ node: "r1", code: "neighbor_up" })).toHaveLength(1);
  });

  it("after a failed commit of the held transaction a pass joined, the snapshots rolled back and redelivered are handled again: their event is stored once", async () => {
    const svc = make();
    await svc.load();
    await greet(svc, ["r1:fe80::1", "r2:fe80::2", "r4:fe80::4"]);
    await svc.handle([r1("fe80::2")]);
    clock.advance(10_000);
    const moved = r1("fe80::4");
    // A commit that fails: a row breaking a deferred foreign key (SQLite checks it at COMMIT).
    await store.sql.run("PRAGMA foreign_keys = ON");
    await store.sql.run("CREATE TABLE commit_parent (id INTEGER PRIMARY KEY)");
    await store.sql.run("CREATE TABLE commit_breaker (x INTEGER REFERENCES commit_parent (id) DEFERRABLE INITIALLY DEFERRED)");
    await store.transaction(() => store.sql.run("INSERT INTO commit_breaker (x) VALUES (1)"), { hold: true });
    await expect(svc.handle([moved])).rejects.toThrow(/FOREIGN KEY/);
    expect(store.holding).toBe(false);
    expect(await svc.repo.events({ node: "r1", code: "route_nexthop_changed" })).toEqual([]);
    // Redelivered: the pass starts again from what the store kept.
    await svc.handle([moved]);
    const changes = await svc.repo.events({ node: "r1", code: "route_nexthop_changed" });
    expect(changes.map((e) => [e.ts - T0, e.subject])).toEqual([[10_000, "route:r1:::/0"]]);
    expect(changes[0]).toMatchObject({ before: { viaNode: "r2" }, after: { viaNode: "r4" } });
    expect(svc.scores(clock.now()).subjects.find((x) => x.subject === "route:r1:::/0")!.score).toBe(1000);
  });

  it("a route flapping on several nodes is one alert named after its origin, even when a downstream node crosses the threshold first; it resolves when the prefix is calm everywhere", async () => {
    const svc = make();
    await svc.load();
    await greet(svc, ["r1:fe80::1", "r2:fe80::2", "r3:fe80::3", "r4:fe80::4", "r5:fe80::5"]);
    // r1's default route flips between r2 and r4; r3 reaches ::/0 through r1 and falls back to r5 with every flip.
    // r3 polls just before r1 in each batch, so its score crosses 2000 first.
    const at = (node: string, via: string): IngestItem => ({ kind: "snapshot", msg: snap({ node, ts: clock.now(), seq: ++seq, routes: [route("::/0", via)], neighbors: [neighbor(via, "eth0")], counters: [acceptRule(521)] }) });
    await svc.handle([at("r3", "fe80::1"), at("r1", "fe80::2")]);
    for (let i = 0; i < 3; i++) {
      clock.advance(10_000);
      await svc.handle([at("r3", i % 2 === 0 ? "fe80::5" : "fe80::1"), at("r1", i % 2 === 0 ? "fe80::4" : "fe80::2")]);
    }
    const open = await svc.alerts.list({ state: "open", code: "route_flapping" });
    expect(open.map((a) => [a.subject, a.node, a.evidence.detail?.origin, a.evidence.detail?.crossedOn])).toEqual([["route:r1:::/0", "r1", { node: "r1", reason: "upstream" }, "r3"]]);
    await svc.alerts.flush();
    expect(delivered.find((a) => a.code === "route_flapping")!.summary).toMatch(/^route ::\/0 is flapping, starting at r1 \(the other nodes reach it through r1\); first over the threshold on r3/);
    expect((open[0]!.evidence.detail?.folded as { subject: string }[]).map((f) => f.subject)).toEqual(["route:r3:::/0"]);
    expect(open[0]!.text?.what).toBe("default route ::/0 flapping on r1");
    expect(open[0]!.text?.why).toMatch(/^default route ::\/0 on r1 changed next hop 2 times in 10 s, between r2 and r4; the other nodes reach it through r1; also seen on r3$/);
    // Calm from now on: one resolution, when neither r1 nor r3 churns any more.
    for (let t = 0; t < 30; t++) {
      clock.advance(10_000);
      await svc.handle([at("r3", "fe80::1"), at("r1", "fe80::2")]);
      await svc.tick();
    }
    expect((await svc.alerts.list({ code: "route_flapping" })).map((a) => [a.subject, a.state])).toEqual([["route:r1:::/0", "resolved"]]);
    await svc.alerts.flush();
    expect(delivered.filter((a) => a.code === "route_flapping").map((a) => [a.subject, a.state])).toEqual([
      ["route:r1:::/0", "open"],
      ["route:r1:::/0", "resolved"],
    ]);
  });

  it("raises node_offline from the tick and resolves it when the node reports again; lint opens and resolves with the firewall rule", async () => {
    const svc = make();
    await svc.load();
    await svc.handle([r1("fe80::2", [])]);
    expect((await svc.alerts.list({ state: "open" })).map((a) => [a.code, a.subject])).toEqual([["lint", "lint:firewall_no_rip_accept:r1"]]);
    clock.advance(30_000);
    await svc.tick();
    expect(svc.alerts.isOpen("node_offline", "node:r1")).toBe(false);
    clock.advance(1);
    await svc.tick();
    expect(svc.alerts.isOpen("node_offline", "node:r1")).toBe(true);
    expect(svc.alerts.openCounts().get("r1")).toBe(2);
    clock.advance(5000);
    await svc.handle([r1("fe80::2")]);
    expect(await svc.alerts.list({ state: "open" })).toEqual([]);
    // A controller restarted after a long stop does not declare its nodes offline at once.
    clock.advance(300_000);
    const restarted = make();
    await restarted.load();
    await restarted.tick();
    expect(restarted.alerts.isOpen("node_offline", "node:r1")).toBe(false);
    clock.advance(30_001);
    await restarted.tick();
    expect(restarted.alerts.isOpen("node_offline", "node:r1")).toBe(true);
    const resolved = await svc.alerts.list({ state: "resolved" });
    expect(resolved.map((a) => a.code).sort()).toEqual(["lint", "node_offline"]);
    const off = resolved.find((a) => a.code === "node_offline")!;
    expect((await svc.repo.eventsByIds(off.evidence.eventIds)).map((e) => e.code)).toEqual(["node_offline", "node_online"]);
  });
});
