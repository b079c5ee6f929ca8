import { expect, it } from "vitest";
import { waitFor } from "@meshfleet/testkit";
import { NODES, inspectGraph, shoot, type Topo, type CyGraph, type SeriesAnswer, type Graph } from "./page-checks";
import type { UiContext } from "./ui-demo";

/** The topology page: relayed paths, the layout, a node offline in the past. */
export function topologyTests(ui: { get(): UiContext }): void {
  it("the topology page draws every node of the mesh, and the relayed path once the node-1 <-> node-2 link degrades", async () => {
    const { demo, page, getJson, startedAt } = ui.get();
    // node-1's path to node-2 over time: direct (1 hop) at first, through a relay (2 hops) once the link degraded.
    const hopsOf = async () => {
      const h = await getJson<SeriesAnswer>(`api/nodes/node-1/series?metric=pathHops&from=${startedAt}&to=${Date.now() + 60_000}`);
      return { ts: h.ts, values: h.series.find((x) => x.node === "node-2")?.values ?? [] };
    };
    const hops = await waitFor(async () => {
      const h = await hopsOf();
      return h.values[h.values.length - 1] === 2 ? h : null;
    }, { timeoutMs: 40_000, intervalMs: 1000, what: "node-1's path to node-2 relayed" });
    expect(hops.values[0]).toBe(1);
    expect([...new Set(hops.values)]).toEqual([1, 2]);
    // Before the degrade node-1 relayed only its paths to node-3 and node-5 (through node-2).
    const early = await getJson<Topo>(`api/topology?at=${hops.ts[0]! + 500}`);
    expect(early.relayedPaths.filter((p) => p.source === "node-1").map((p) => [p.destination, p.via, p.hops])).toEqual([
      ["node-3", "node-2", 2],
      ["node-5", "node-2", 2],
    ]);

    await page.goto(`${demo.url}#/topology`);
    await page.waitForFunction((n) => (window as unknown as { meshfleetGraph?: CyGraph }).meshfleetGraph?.nodes().length === n, NODES, { timeout: 20_000 });
    const edge = "relayed:node-1|node-2";
    const label = () => page.evaluate((id) => {
      const e = (window as unknown as { meshfleetGraph?: Graph }).meshfleetGraph?.getElementById(id);
      return e && e.nonempty() ? { label: e.data("label"), paths: e.data("paths"), visible: e.visible() } : null;
    }, edge);
    await expect.poll(label, { timeout: 20_000 }).not.toBeNull();
    // By default: one edge per node pair (no routing-only adjacency, no relayed path), every label inside the canvas, none over a node or its name.
    const drawing = await page.evaluate(inspectGraph);
    expect(drawing.visibleEdges.length).toBeGreaterThanOrEqual(NODES - 1);
    expect(new Set(drawing.visibleEdges.map((e) => e.pair)).size).toBe(drawing.visibleEdges.length);
    expect(drawing.visibleEdges.every((e) => e.kind === "mesh")).toBe(true);
    expect(drawing.outside).toEqual([]);
    expect(drawing.overlaps).toEqual([]);
    expect(await label()).toEqual({ label: "via node-5", paths: "node-1 → node-2 via node-5 (2 hops); node-2 → node-1 via node-5 (2 hops)", visible: false });
    const now = await getJson<Topo>("api/topology");
    expect(now.relayedPaths.filter((p) => p.source === "node-1" && p.destination === "node-2")).toEqual([{ source: "node-1", destination: "node-2", via: "node-5", hops: 2, metric: expect.any(Number) }]);
    await shoot(page, "topology");
    // The checkbox shows every relayed path; the drawn count is the graph's relayed edges.
    const drawn = () => page.evaluate(() => ({ attr: Number(document.getElementById("cy")!.dataset.relayed), edges: (window as unknown as { meshfleetGraph: Graph }).meshfleetGraph.edges('[kind = "relayed"]').length }));
    expect((await drawn()).attr).toBe(0);
    await page.check("#relayed");
    const shown = await drawn();
    expect(shown.attr).toBe(shown.edges);
    expect(shown.edges).toBeGreaterThanOrEqual(1);
    // Cytoscape applies the class change to its style on its next update: wait for it.
    await expect.poll(async () => (await label())?.visible, { timeout: 10_000 }).toBe(true);
    await page.uncheck("#relayed");
    expect((await drawn()).attr).toBe(0);
    // Selecting node-1 shows its relayed paths (and the details panel names its links); a path choice draws the route.
    await page.evaluate(() => void (window as unknown as { meshfleetGraph: CyGraph }).meshfleetGraph.getElementById("node-1").emit("tap"));
    await expect.poll(async () => (await label())?.visible, { timeout: 10_000 }).toBe(true);
    expect(await page.textContent("#details h3")).toBe("node-1");
    await page.selectOption("#pfrom", "node-1");
    await page.selectOption("#pto", "node-2");
    expect(await page.textContent("#pathnote")).toBe("node-1 → node-5 → node-2 (2 hops, now)");
    expect(await page.evaluate(() => (window as unknown as { meshfleetGraph: CyGraph }).meshfleetGraph.edges(".onpath").map((e) => e.id()).sort())).toEqual(["link:node-1|node-5", "link:node-2|node-5"]);
    await shoot(page, "topology-path");
    // The layout survives a reload: every node where it was.
    const positions = () => page.evaluate(() => Object.fromEntries((window as unknown as { meshfleetGraph: CyGraph }).meshfleetGraph.nodes().map((n) => [n.id(), [Math.round(n.position().x), Math.round(n.position().y)]])));
    const before = await positions();
    await page.reload();
    await page.waitForFunction((n) => (window as unknown as { meshfleetGraph?: CyGraph }).meshfleetGraph?.nodes().length === n, NODES, { timeout: 20_000 });
    expect(await positions()).toEqual(before);
  }, 60_000);

  it("the topology at a time inside node-3's reboot shows it offline, drawn unlike the online nodes", async () => {
    const { page, base, getJson } = ui.get();
    // node-3 is down from 30 s to 40 s; offline once 3 intervals (3 s) pass without a snapshot.
    const reboot = await waitFor(async () => {
      const { events } = await getJson<{ events: { ts: number; code: string; node: string }[] }>("api/events?node=node-3&limit=50");
      const off = events.find((e) => e.code === "node_offline");
      const back = events.find((e) => e.code === "node_online" && off && e.ts > off.ts);
      return off && back ? { off: off.ts, back: back.ts } : null;
    }, { timeoutMs: 60_000, intervalMs: 1000, what: "node-3 offline and back" });
    const mid = Math.round((reboot.off + reboot.back) / 2);
    await page.goto(`${base()}#/topology/${mid}`);
    await page.waitForFunction(() => (window as unknown as { meshfleetGraph?: CyGraph }).meshfleetGraph?.getElementById("node-3").data("state") === "offline", undefined, { timeout: 15_000 });
    const look = await page.evaluate(() => {
      const g = (window as unknown as { meshfleetGraph: CyGraph }).meshfleetGraph;
      const of = (id: string) => { const n = g.getElementById(id); return { state: n.data("state"), colour: n.style("background-color"), border: n.style("border-style"), label: n.data("label") }; };
      return { off: of("node-3"), on: of("node-1") };
    });
    expect(look.off.state).toBe("offline");
    expect(look.off.label).toBe("node-3\noffline");
    expect(look.off.border).toBe("dashed");
    expect(look.off.colour).not.toBe(look.on.colour);
    expect(look.on.border).toBe("solid");
    expect(await page.textContent("#when")).toContain(new Date(mid).toLocaleTimeString("en-US", { hour: "2-digit", minute: "2-digit", second: "2-digit" }));
    expect(Number(await page.getAttribute("#marks", "data-marks"))).toBeGreaterThanOrEqual(1);
    await shoot(page, "topology-offline");
    // node-3's own charts: a gap (no line) where its snapshots are missing, the reboot marked, the legend showing the newest values.
    await page.goto(`${base()}#/node/node-3`);
    await page.waitForFunction(() => Number(document.getElementById("plot-peers")?.dataset.points) > 0, undefined, { timeout: 15_000 });
    const chart = await page.evaluate(() => {
      const el = document.getElementById("plot-peers")!;
      const u = (window as unknown as { meshfleetPlots: { instances: Record<string, { data: (number | null)[][] }> } }).meshfleetPlots.instances["plot-peers"]!;
      const gaps = JSON.parse(el.dataset.gaps ?? "[]") as number[];
      const rows = gaps.map((g) => u.data[0]!.findIndex((t) => Math.round(t! * 1000) === g)).map((i) => u.data.slice(1).map((col) => col[i]));
      const legend = Array.from(document.querySelectorAll("#plot-peers .u-legend .u-series .u-value")).map((v) => v.textContent);
      return { gaps, rows, marks: Number(el.dataset.marks), legend };
    });
    expect(chart.gaps.filter((g) => g > reboot.off - 5000 && g < reboot.back)).toHaveLength(1);
    for (const row of chart.rows) expect(row.every((v) => v === null)).toBe(true);
    expect(chart.marks).toBeGreaterThanOrEqual(1);
    expect(chart.legend.slice(1).every((v) => /^-?\d+(\.\d+)? dBm$/.test(v ?? ""))).toBe(true);
    await shoot(page, "node-3-reboot");
  }, 90_000);
}
