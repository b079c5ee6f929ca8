import { expect, it } from "vitest";
import { NODES, shoot, type Plot, type SeriesAnswer } from "./page-checks";
import type { UiContext } from "./ui-demo";

/** The overview and a node page. */
export function overviewAndNodeTests(ui: { get(): UiContext }): void {
  it("the overview lists every node, updated live", async () => {
    const { demo, page } = ui.get();
    await page.goto(demo.url);
    await page.waitForFunction((n) => document.querySelectorAll("#nodes tbody tr").length === n && !document.body.innerText.includes("none"), NODES, { timeout: 30_000 });
    const ids = await page.$$eval("#nodes tbody tr td:first-child", (tds) => tds.map((td) => td.textContent));
    expect(ids).toEqual(["node-1", "node-2", "node-3", "node-4", "node-5"]);
    await page.waitForFunction(() => document.querySelectorAll("#nodes .pill.online").length === 5, undefined, { timeout: 20_000 });
    await expect.poll(() => page.textContent("#live"), { timeout: 15_000 }).toMatch(/^live/);
    // The health summary on top, and per node its uptime, load, memory, last reboot and agent version.
    await page.waitForFunction(() => document.querySelector("#sum-online b")?.textContent === "5/5", undefined, { timeout: 15_000 });
    const cells = await page.$$eval("#nodes tbody tr", (trs) => trs.map((tr) => Object.fromEntries(Array.from(tr.querySelectorAll("td")).map((td, i) => [document.querySelectorAll("#nodes th")[i]!.getAttribute("data-col"), td.textContent ?? ""]))));
    for (const c of cells) {
      expect(c.uptime, c.node).toMatch(/^\d+ min$|^\d+ h \d+ min$/);
      expect(c.load, c.node).toMatch(/^\d+\.\d\d$/);
      expect(c.memory, c.node).toMatch(/^ ?\d+%$/);
      expect(c["last reboot"], c.node).toMatch(/ago$/);
      expect(c.agent, c.node).toBe("0.1.0");
    }
    expect(await page.textContent("#sum-alerts")).toMatch(/open alerts/);
    // Sortable: the node column a second time sorts descending.
    await page.click('th[data-col="node"]');
    await page.waitForFunction(() => document.querySelector("#nodes tbody tr td")?.textContent === "node-5");
    expect(await page.$$eval("#nodes tbody tr td:first-child", (tds) => tds.map((td) => td.textContent))).toEqual(["node-5", "node-4", "node-3", "node-2", "node-1"]);
    await page.click('th[data-col="node"]');
    await page.waitForFunction(() => document.querySelector("#nodes tbody tr td")?.textContent === "node-1");
    await shoot(page, "overview");
    // On a phone the page does not scroll sideways: the table does, inside its box.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it("the node page plots its mesh peers' and stations' signal and its counter rates, live", async () => {
    const { demo, page, getJson } = ui.get();
    // The node with the most client stations (ties: the lower id).
    const { nodes } = await getJson<{ nodes: { id: string; stations: number; peers: number }[] }>("api/nodes");
    const node = nodes.filter((n) => n.stations > n.peers).sort((a, b) => b.stations - b.peers - (a.stations - a.peers) || a.id.localeCompare(b.id))[0]!;
    expect(node).toBeDefined();
    await page.goto(`${demo.url}#/node/${node.id}`);
    const plotted = () =>
      page.evaluate(() => {
        const out: Record<string, Plot> = {};
        const instances = (window as unknown as { meshfleetPlots: { instances: Record<string, { series: { label: string }[]; data: (number | null)[][] }> } }).meshfleetPlots.instances;
        for (const [id, u] of Object.entries(instances)) {
          const el = document.getElementById(id)!;
          out[id] = { labels: u.series.slice(1).map((x) => x.label), ts: u.data[0]!.map((t) => Math.round(t! * 1000)), values: u.data.slice(1), attrs: { ...el.dataset } as Record<string, string> };
        }
        return out;
      });
    // Ready once the stations chart has a few samples and every mesh peer is named by its node (the peers' hellos are in).
    const ready = () => {
      const peers = (window as unknown as { meshfleetPlots: { instances: Record<string, { series: { label: string }[] }> } }).meshfleetPlots.instances["plot-peers"];
      return Number(document.getElementById("plot-stations")?.dataset.points) >= 3 && !!peers && peers.series.slice(1).every((x) => x.label.startsWith("node-"));
    };
    await page.waitForFunction(ready, undefined, { timeout: 20_000 });
    const plots = await plotted();
    expect(Object.keys(plots).sort()).toEqual(["plot-counters", "plot-paths", "plot-peers", "plot-radio-busy", "plot-radio-noise", "plot-stations"]);
    // Every chart draws exactly what the series API serves for its window, one line per key.
    const windowOf = (p: Plot) => `from=${p.ts[0]}&to=${p.ts[p.ts.length - 1]! + 1}`;
    const signal = await getJson<SeriesAnswer>(`api/nodes/${node.id}/series?metric=signal&${windowOf(plots["plot-stations"]!)}`);
    const peers = signal.series.filter((x) => x.node !== null);
    const clients = signal.series.filter((x) => x.node === null);
    const { items: current } = await getJson<{ items: { mac: string; meshPlink: string | null; node: string | null }[] }>(`api/nodes/${node.id}/stations`);
    expect(peers.map((x) => x.node).sort()).toEqual(current.filter((x) => x.meshPlink !== null).map((x) => x.node).sort());
    expect(peers.length).toBe(node.peers);
    expect(clients.length).toBeGreaterThanOrEqual(node.stations - node.peers);
    // A missing sample leaves a gap: a null row the chart inserts (listed in data-gaps); the rest is what the API served.
    for (const p of Object.values(plots)) {
      const gaps = new Set(JSON.parse(p.attrs.gaps ?? "[]") as number[]);
      const keep = p.ts.map((t) => !gaps.has(t));
      p.ts = p.ts.filter((_, i) => keep[i]);
      p.values = p.values.map((v) => v.filter((_, i) => keep[i]));
    }
    // Stations are named by their DHCP hostname, else their IP, else their MAC (the routers' leases, /api/clients).
    const { clients: leased } = await getJson<{ clients: { mac: string; hostname: string | null; ip: string | null }[] }>("api/clients?limit=500");
    const stationName = new Map(leased.filter((c) => c.hostname ?? c.ip).map((c) => [c.mac, (c.hostname ?? c.ip)!]));
    expect(clients.some((x) => stationName.has(x.key))).toBe(true);
    for (const [id, want] of [["plot-peers", peers], ["plot-stations", clients]] as const) {
      const p = plots[id]!;
      expect(p.labels, id).toEqual(want.map((x) => x.node ?? stationName.get(x.key) ?? x.key));
      expect(p.ts, id).toEqual(signal.ts);
      expect(p.values, id).toEqual(want.map((x) => x.values));
      expect([p.attrs.series, p.attrs.points, p.attrs.lastTs], id).toEqual([String(want.length), String(signal.ts.length), String(signal.ts[signal.ts.length - 1])]);
    }
    // A mesh peer is there in every sample of the window (but node-3, which reboots at 30 s).
    plots["plot-peers"]!.values.forEach((v, i) => {
      if (plots["plot-peers"]!.labels[i] !== "node-3") expect(v.filter((x) => x === null), plots["plot-peers"]!.labels[i]).toEqual([]);
    });
    const counters = await getJson<SeriesAnswer>(`api/nodes/${node.id}/series?metric=counterByteRate&${windowOf(plots["plot-counters"]!)}`);
    const { items: nft } = await getJson<{ items: { key: string }[] }>(`api/nodes/${node.id}/counters`);
    expect(counters.series.map((x) => x.key)).toEqual(nft.map((c) => c.key).sort());
    expect(plots["plot-counters"]!.values).toEqual(counters.series.map((x) => x.values));
    expect(plots["plot-counters"]!.attrs.series).toBe(String(nft.length));
    // The radio charts: per radio interface, channel busy (%) and noise floor (dBm), exactly the series API's values.
    for (const [id, metric] of [["plot-radio-busy", "radioBusy"], ["plot-radio-noise", "radioNoise"]] as const) {
      const p = plots[id]!;
      const want = await getJson<SeriesAnswer>(`api/nodes/${node.id}/series?metric=${metric}&${windowOf(p)}`);
      expect(p.labels, id).toEqual(want.series.map((x) => x.key));
      expect(p.labels, id).toEqual(["mesh0", "wlan0"]);
      expect(p.ts, id).toEqual(want.ts);
      expect(p.values, id).toEqual(want.series.map((x) => x.values));
      const seen = p.values.flat().filter((v): v is number => v !== null);
      expect(seen.length, id).toBeGreaterThanOrEqual(2);
      for (const v of seen) expect(metric === "radioBusy" ? v >= 0 && v <= 100 : v >= -100 && v <= -80, `${id} ${v}`).toBe(true);
    }
    // Live: the charts grow with the node's next snapshots (refreshed at most every 5 s).
    const before = Number(plots["plot-stations"]!.attrs.lastTs);
    await page.waitForFunction((t) => Number(document.getElementById("plot-stations")?.dataset.lastTs) > t, before, { timeout: 15_000 });
    expect(await page.$$eval("#tables table", (ts) => ts.length)).toBe(6);
    // Stations that are not fleet nodes carry their maker from the IEEE OUI table (/api/vendors); the simulated phones and laptops use randomised (locally administered) MACs.
    const makers = await page.$$eval("#tables table", (ts) => Array.from(ts[0]!.querySelectorAll("tbody tr")).map((tr) => ({ mac: tr.children[0]!.querySelector("[title]")?.getAttribute("title") ?? null, maker: tr.children[1]!.textContent })));
    const others = makers.filter((m) => m.mac !== null);
    expect(others.length).toBeGreaterThanOrEqual(1);
    const { vendors } = await getJson<{ vendors: Record<string, { vendor: string | null; randomised: boolean } | null> }>(`api/vendors?${others.map((m) => `mac=${encodeURIComponent(m.mac!)}`).join("&")}`);
    expect(others.map((m) => m.maker)).toEqual(others.map((m) => (vendors[m.mac!.toLowerCase()]!.randomised ? "randomised MAC" : vendors[m.mac!.toLowerCase()]!.vendor ?? "unknown")));
    expect(new Set(others.map((m) => m.maker))).toEqual(new Set(["randomised MAC"]));
    expect(makers.filter((m) => m.mac === null).every((m) => m.maker === "")).toBe(true);
    await shoot(page, "node");
  }, 60_000);
}
