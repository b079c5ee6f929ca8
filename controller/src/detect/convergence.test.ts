import { describe, expect, it } from "vitest";
import type { StoredEvent } from "./churn-score";
import { emptyConvergence, stepConvergence, tickConvergence, type ConvergenceConfig, type ConvergenceState } from "./convergence";

const cfg: ConvergenceConfig = { quietMs: 20_000, maxSilenceMs: 120_000, slowMs: 60_000 };
const st = { protocol: "rip1", type: "unicast", nextHop: "fe80::2%eth0", metric: 2, viaNode: null };
let nextId = 0;
const routeEv = (node: string, ts: number): StoredEvent => ({ id: ++nextId, code: "route_nexthop_changed", node, ts, subject: `route:${node}:::/0`, prefix: "::/0", before: st, after: st });
const metricEv = (node: string, ts: number): StoredEvent => ({ id: ++nextId, code: "route_metric_changed", node, ts, subject: `route:${node}:::/0`, prefix: "::/0", before: st, after: { ...st, metric: 3 } });
const up = (node: string, ts: number): StoredEvent => ({ id: ++nextId, code: "neighbor_up", node, ts, subject: `neighbor:${node}:fe80::9%eth0`, address: "fe80::9", iface: "eth0", before: null, after: { protocol: "rip1", kind: "rip", address: "fe80::9", iface: "eth0", neighborNode: null } });
const down = (node: string, ts: number): StoredEvent => ({ id: ++nextId, code: "neighbor_down", node, ts, subject: `neighbor:${node}:fe80::9%eth0`, address: "fe80::9", iface: "eth0", before: { protocol: "rip1", kind: "rip", address: "fe80::9", iface: "eth0", neighborNode: null }, after: null });

/** Every node reports every 5 s from `from` to `to`; `changes[node@ts]` lists its events at that snapshot. */
function run(state: ConvergenceState, from: number, to: number, changes: Record<string, StoredEvent[]>) {
  const closed = [];
  for (let t = from; t <= to; t += 5000) {
    for (const [i, node] of ["r1", "r2", "r3", "r4"].entries()) {
      const ts = t + i * 100;
      const r = stepConvergence(state, node, ts, changes[`${node}@${ts}`] ?? [], cfg);
      state = r.state;
      closed.push(...r.closed);
    }
  }
  return { state, closed };
}

describe("convergence", () => {
  it("measures from the first loss until every affected node's table has been quiet", () => {
    const r = run(emptyConvergence, 0, 200_000, {
      "r1@100000": [down("r1", 100_000), routeEv("r1", 100_000)],
      "r2@100100": [down("r2", 100_100), routeEv("r2", 100_100)],
      "r3@110200": [routeEv("r3", 110_200)],
      "r4@115300": [routeEv("r4", 115_300)],
      "r3@120200": [routeEv("r3", 120_200)],
    });
    expect(r.closed).toHaveLength(1);
    const c = r.closed[0]!;
    expect(c).toMatchObject({ startTs: 100_000, endTs: 120_200, durationMs: 20_200, nodes: ["r1", "r2", "r3", "r4"], changes: 5, trigger: { code: "neighbor_down", node: "r1", ts: 100_000 } });
    expect(c.eventIds).toHaveLength(7);
    expect(r.state.open).toBeNull();
  });

  it("starts at a route change that comes before any neighbour loss, and a new incident for the next cut", () => {
    const r = run(emptyConvergence, 0, 300_000, {
      "r2@95100": [routeEv("r2", 95_100)],
      "r1@100000": [down("r1", 100_000)],
      "r1@200000": [down("r1", 200_000), routeEv("r1", 200_000)],
      "r3@205200": [routeEv("r3", 205_200)],
    });
    expect(r.closed.map((c) => [c.startTs, c.durationMs, c.nodes, c.trigger.code, c.changes])).toEqual([
      [95_100, 0, ["r1", "r2"], "route_nexthop_changed", 1],
      [200_000, 5200, ["r1", "r3"], "neighbor_down", 2],
    ]);
  });

  it("never lets neighbour events extend an incident: the far side's hello timeout 3 s later is not routing work", () => {
    const r = run(emptyConvergence, 0, 200_000, {
      "r1@100000": [down("r1", 100_000), routeEv("r1", 100_000)],
      "r3@100200": [routeEv("r3", 100_200)],
      "r2@105100": [down("r2", 105_100)],
      "r2@115100": [up("r2", 115_100)],
    });
    expect(r.closed).toHaveLength(1);
    expect(r.closed[0]).toMatchObject({ startTs: 100_000, endTs: 100_200, durationMs: 200, nodes: ["r1", "r2", "r3"], changes: 2 });
    expect(r.closed[0]!.eventIds).toHaveLength(5);
  });

  it("gives a neighbour loss without any route change a zero-length incident", () => {
    const r = run(emptyConvergence, 0, 200_000, { "r1@100000": [down("r1", 100_000)], "r2@105100": [down("r2", 105_100)] });
    expect(r.closed.map((c) => [c.startTs, c.endTs, c.nodes, c.changes])).toEqual([[100_000, 100_000, ["r1", "r2"], 0]]);
  });

  it("does not start an incident on a metric-only change or a neighbour coming up, but extends an open one with a metric change", () => {
    const quiet = run(emptyConvergence, 0, 200_000, { "r1@100000": [metricEv("r1", 100_000)], "r2@110100": [up("r2", 110_100)] });
    expect(quiet.closed).toEqual([]);
    expect(quiet.state.open).toBeNull();
    const r = run(emptyConvergence, 0, 200_000, { "r1@100000": [routeEv("r1", 100_000)], "r4@110300": [metricEv("r4", 110_300)] });
    expect(r.closed.map((c) => [c.startTs, c.durationMs, c.nodes])).toEqual([[100_000, 10_300, ["r1", "r4"]]]);
  });

  it("closes an incident whose node went silent after maxSilence", () => {
    const a = stepConvergence(emptyConvergence, "r1", 1000, [down("r1", 1000), routeEv("r1", 1000)], cfg);
    expect(a.closed).toEqual([]);
    expect(tickConvergence(a.state, 1000 + 119_999, cfg).closed).toEqual([]);
    const t = tickConvergence(a.state, 1000 + 120_000, cfg);
    expect(t.closed.map((c) => [c.startTs, c.durationMs])).toEqual([[1000, 0]]);
    expect(t.state.open).toBeNull();
  });
});
