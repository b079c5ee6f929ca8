import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { startDemo, type RunningDemo } from "@meshfleet/sim/demo";
import { waitFor } from "@meshfleet/testkit";

const artifacts = join(import.meta.dirname, "..", "..", "artifacts");
const NODES = 5;

type Plot = { labels: string[]; ts: number[]; values: (number | null)[][]; attrs: Record<string, string> };
type Topo = { relayedPaths: { source: string; destination: string; via: string; hops: number | null }[] };
type CyNode = { id(): string; position(): { x: number; y: number }; data(k: string): string; style(k: string): string; emit(e: string): void };
type CyGraph = {
  nodes(): { length: number; map<T>(f: (n: CyNode) => T): T[] };
  edges(sel?: string): { length: number; map<T>(f: (e: CyNode) => T): T[] };
  getElementById(id: string): CyNode;
};

/**
 * In the page: the visible edges (kind and node pair), the labels drawn outside the
 * canvas, and every label that covers a node or another label (rendered boxes).
 */
function inspectGraph() {
  type Box = { x1: number; x2: number; y1: number; y2: number; w: number; h: number };
  type El = { id(): string; data(k: string): string; visible(): boolean; isNode(): boolean; renderedBoundingBox(o: object): Box };
  const g = (window as unknown as { meshfleetGraph: { elements(): { toArray(): El[] }; width(): number; height(): number } }).meshfleetGraph;
  const els = g.elements().toArray().filter((e) => e.visible());
  const labelled = els.filter((e) => (e.data("label") ?? "") !== "");
  const labels = labelled.map((e) => ({ id: e.id(), box: e.renderedBoundingBox({ includeNodes: false, includeEdges: false, includeLabels: true }) }));
  const bodies = els.filter((e) => e.isNode()).map((e) => ({ id: e.id(), box: e.renderedBoundingBox({ includeNodes: true, includeEdges: false, includeLabels: false }) }));
  const hit = (a: Box, b: Box) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  const overlaps: string[] = [];
  for (const l of labels) {
    for (const b of bodies) if (b.id !== l.id && hit(l.box, b.box)) overlaps.push(`label of ${l.id} over node ${b.id}`);
    for (const m of labels) if (m.id < l.id && hit(l.box, m.box)) overlaps.push(`label of ${l.id} over label of ${m.id}`);
  }
  const outside = labels.filter((l) => l.box.x1 < 0 || l.box.y1 < 0 || l.box.x2 > g.width() || l.box.y2 > g.height()).map((l) => l.id);
  const visibleEdges = els.filter((e) => !e.isNode()).map((e) => ({ kind: e.data("kind"), pair: [e.data("source"), e.data("target")].sort().join("|") }));
  return { visibleEdges, outside, overlaps };
}

/** Screenshots of a page at a laptop's and a phone's size, into test/artifacts/; at neither size does the page scroll sideways. */
async function shoot(page: Page, name: string) {
  const size = page.viewportSize();
  for (const [w, h] of [[1400, 900], [390, 844]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: join(artifacts, `${name}-${w}x${h}.png`), fullPage: true });
    // Readable on a phone: the page never scrolls sideways (wide tables scroll inside their box).
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at ${w}x${h}`).toBeLessThanOrEqual(w);
  }
  if (size) await page.setViewportSize(size);
}

type SeriesAnswer = { ts: number[]; series: { key: string; node: string | null; values: (number | null)[] }[] };
type Graph = {
  nodes(): { length: number };
  edges(sel?: string): { length: number };
  getElementById(id: string): { nonempty(): boolean; data(k: string): string; visible(): boolean };
};

/**
 * The dashboard in real headless Chromium (Debian's package, driven by playwright-core)
 * against a running demo: a 5-router simulated mesh whose node-4 default route flaps
 * seven times early on (every 2 s from 3 s), with a short churn half-life so the alert opens and resolves
 * within the test, and whose node-1 <-> node-2 link degrades from 8 s on until their
 * mesh path goes through node-5, and whose node-3 reboots (down from 30 s to 40 s).
 */
describe("dashboard in Chromium against a running demo", () => {
  let demo: RunningDemo;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  let startedAt: number;
  /** Every console error and uncaught page error, on any page, with the page it happened on. */
  const consoleErrors: string[] = [];
  const base = () => demo.url.split("?")[0]!;
  const getJson = async <T>(path: string): Promise<T> => (await (await fetch(`${base()}${path}`, { headers: { authorization: `Bearer ${demo.token}` } })).json()) as T;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), "mf-ui-"));
    startedAt = Date.now();
    demo = await startDemo({
      dataDir,
      port: 0,
      intervalMs: 1000,
      halfLifeMs: 8000,
      say: () => {},
      scenario: {
        name: "ui-test",
        nodes: NODES,
        routing: "babel",
        events: [
          { type: "flapRoute", atMs: 3000, node: "node-4", prefix: "::/0", periodMs: 2000, count: 7 },
          { type: "degradeLink", atMs: 8000, a: "node-1", b: "node-2", toSignal: -87.5, overMs: 4000 },
          { type: "rebootNode", atMs: 30_000, node: "node-3", downMs: 10_000 },
        ],
      },
    });
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("the overview lists every node, updated live", async () => {
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

  it("a route_flapping alert appears and then resolves", async () => {
    await page.goto(`${demo.url.split("?")[0]}#/alerts`);
    const rowText = async () => {
      await page.evaluate(() => window.dispatchEvent(new HashChangeEvent("hashchange")));
      await page.waitForSelector("#alertgroups li.alert", { timeout: 15_000 }).catch(() => null);
      return page.$$eval("#alertgroups li.alert", (lis) => lis.map((li) => li.textContent ?? ""));
    };
    // node-4's default route flaps; other nodes' routes through it may flap too and get their own alerts (or fold into node-4's).
    const open = await waitFor(async () => (await rowText()).find((t) => t.startsWith("open") && t.includes("route flapping") && t.includes("on node-4")), { timeoutMs: 60_000, intervalMs: 1000, what: "node-4's open route_flapping alert" })
      .catch(async (err: unknown) => { throw new Error(`${String(err)}; the page shows: ${(await page.innerText("#view")).slice(0, 600)}`); });
    expect(open).toContain("route ::/0 on node-4 is flapping");
    await shoot(page, "alerts-open");
    const resolved = await waitFor(async () => (await rowText()).find((t) => t.startsWith("resolved") && t.includes("route flapping") && t.includes("node-4")), { timeoutMs: 90_000, intervalMs: 2000, what: "the alert resolved" });
    expect(resolved).toContain("is flapping");
    await shoot(page, "alerts-resolved");
  }, 180_000);

  it("the alert list groups alerts by root cause with counts and folded symptoms; acknowledge and silence from the list, who and when shown", async () => {
    type ApiAlert = { id: number; code: string; subject: string; node: string | null; state: string; evidence: { detail?: { link?: string; folded?: { code: string; subject: string }[] } }; ack?: { by: string; at: number } | null };
    const flapSubject = "route:node-4:::/0";
    await page.goto(`${base()}#/alerts`);
    await page.waitForSelector(`li.alert[data-subject="${flapSubject}"]`, { timeout: 15_000 });
    // The flap alert's group: every alert naming the same cause, counted, and each alert's folded symptoms listed under it.
    const groupOf = async () => {
      const { alerts } = await getJson<{ alerts: ApiAlert[] }>("api/alerts?limit=200");
      const flap = alerts.find((a) => a.subject === flapSubject && a.code === "route_flapping")!;
      // The cause: the link a flap was traced to, the link or node an alert is about, else the alert itself.
      const causeOf = (a: ApiAlert) => a.evidence.detail?.link ?? (/^(link|node):/.test(a.subject) ? a.subject : `${a.code}:${a.subject}`);
      const cause = causeOf(flap);
      const members = alerts.filter((a) => a.code !== "slow_convergence" && causeOf(a) === cause);
      const folded = members.reduce((n, a) => n + (a.evidence.detail?.folded?.length ?? 0), 0);
      const want = {
        cause,
        counts: `${members.length} alert${members.length > 1 ? "s" : ""} (${members.filter((a) => a.state === "open").length} open)${folded ? `, ${folded} folded symptom${folded > 1 ? "s" : ""}` : ""}`,
        subjects: members.map((a) => a.subject).sort(),
        flapFolded: (flap.evidence.detail?.folded ?? []).length,
      };
      await page.evaluate(() => window.dispatchEvent(new HashChangeEvent("hashchange")));
      await page.waitForSelector(`li.alert[data-subject="${flapSubject}"]`, { timeout: 15_000 });
      const seen = await page.evaluate((s) => {
        const li = document.querySelector(`li.alert[data-subject="${s}"]`)!;
        const sec = li.closest("section.agroup") as HTMLElement;
        return {
          cause: sec.dataset.cause,
          counts: sec.querySelector(".counts")!.textContent,
          subjects: Array.from(sec.querySelectorAll("li.alert")).map((x) => (x as HTMLElement).dataset.subject).sort(),
          flapFolded: li.querySelectorAll("details.folded li").length,
        };
      }, flapSubject);
      return { want, seen, flap };
    };
    const { want, seen, flap } = await waitFor(async () => { const g = await groupOf(); return JSON.stringify(g.want) === JSON.stringify(g.seen) ? g : null; }, { timeoutMs: 20_000, intervalMs: 1000, what: "the page's group of node-4's alert equal to the API's" });
    expect(seen).toEqual(want);
    expect(want.cause).toMatch(/^link:node-\d-node-\d$|^route_flapping:/);
    if (want.cause.startsWith("link:")) expect(await page.textContent(`section.agroup[data-cause="${want.cause}"] h3`)).toMatch(/link node-\d ↔ node-\d/);
    const li = `li.alert[data-subject="${flapSubject}"]`;
    // Folded symptoms are named in words (no raw subject), one line each.
    for (const f of flap.evidence.detail?.folded ?? []) expect(await page.textContent(`${li} details.folded`)).toContain(f.code.replaceAll("_", " "));
    // Acknowledge: who (the dashboard link's API token, by its name) and when, on the page and in the API.
    const { tokens } = await getJson<{ tokens: { name: string; revokedAt: number | null }[] }>("api/admin/tokens");
    const who = tokens.filter((t) => t.revokedAt === null).map((t) => t.name);
    expect(who).toHaveLength(1);
    expect(await page.$("#actor")).toBeNull();
    await page.click(`${li} button[data-act="ack"]`);
    await page.waitForSelector(`${li} .ack`);
    const acked = await getJson<{ alert: ApiAlert }>(`api/alerts/${flap.id}`);
    expect(acked.alert.ack?.by).toBe(who[0]);
    expect(await page.textContent(`${li} .ack`)).toBe(`acknowledged by ${who[0]} at ${await page.evaluate((t) => new Date(t).toLocaleTimeString(), acked.alert.ack!.at)}`);
    expect(acked.alert.ack!.at).toBeGreaterThan(startedAt);
    // Silence every route_flapping alert of node-4 for 4 h: the reason is asked for, then the silence is listed and the alert says so.
    await page.click(`${li} button[data-act="silence"]`);
    await page.selectOption(`${li} select[name="scope"]`, "code-node");
    await page.selectOption(`${li} select[name="duration"]`, String(4 * 3_600_000));
    await page.click(`${li} button[data-act="silence-go"]`);
    expect(await page.textContent(`.err[data-for="${flap.id}"]`)).toMatch(/reason/);
    await page.fill(`${li} input[name="reason"]`, "antenna work on node-4");
    await page.click(`${li} button[data-act="silence-go"]`);
    await page.waitForSelector("#silencelist tbody tr");
    const { silences } = await getJson<{ silences: { id: number; code: string | null; node: string | null; subject: string | null; fromTs: number; untilTs: number; createdBy: string; reason: string }[] }>("api/alerts/silences");
    expect(silences.map((x) => ({ code: x.code, node: x.node, subject: x.subject, by: x.createdBy, reason: x.reason, ms: x.untilTs - x.fromTs }))).toEqual([{ code: "route_flapping", node: "node-4", subject: null, by: who[0], reason: "antenna work on node-4", ms: 4 * 3_600_000 }]);
    const row = await page.$$eval("#silencelist tbody tr td", (tds) => tds.map((td) => td.textContent));
    expect([row[0], row[3], row[4]]).toEqual(["route flapping · on node-4", who[0], "antenna work on node-4"]);
    expect(await page.textContent(`${li} .silenced`)).toBe(`silenced until ${await page.evaluate((t) => { const d = new Date(t); return `${d.toLocaleDateString([], { month: "short", day: "numeric" })} ${d.toLocaleTimeString()}`; }, silences[0]!.untilTs)} by ${who[0]}: antenna work on node-4`);
    await shoot(page, "alerts-grouped");
    // End it now: no active silence left, the alert offers Silence again.
    await page.click('#silencelist button[data-act="unsilence"]');
    await page.waitForSelector(`${li} button[data-act="silence"]`);
    expect((await getJson<{ silences: unknown[] }>("api/alerts/silences")).silences).toEqual([]);
  }, 60_000);

  it("the topology page draws every node of the mesh, and the relayed path once the node-1 <-> node-2 link degrades", async () => {
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

  it("the events page shows any time range (from - to, kept in the address): node-3's reboot", async () => {
    type Ev = { ts: number; code: string; node: string };
    const { events: all } = await getJson<{ events: Ev[] }>("api/events?node=node-3&limit=200");
    const off = all.find((e) => e.code === "node_offline")!;
    const back = all.find((e) => e.code === "node_online" && e.ts > off.ts)!;
    expect([off, back].every(Boolean)).toBe(true);
    const from = off.ts - 2000, to = back.ts + 2000;
    const { events: want } = await getJson<{ events: Ev[] }>(`api/events?since=${from}&until=${to}&limit=51`);
    expect(want.map((e) => e.code)).toEqual(expect.arrayContaining(["node_offline", "node_online"]));
    /** Times as a datetime-local input holds them, in the browser's time zone. */
    const inputValues = (list: number[]) => page.evaluate((ts: number[]) => ts.map((ms) => { const d = new Date(ms); const p = (n: number) => String(n).padStart(2, "0"); return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`; }), list);
    const stampsOf = (evs: Ev[]) => page.evaluate((ts) => ts.map((t) => { const d = new Date(t); return `${d.toLocaleDateString([], { month: "short", day: "numeric" })} ${d.toLocaleTimeString()}`; }), evs.map((e) => e.ts));
    // From the address: exactly the API's events of the range, newest first, the range in the inputs.
    await page.goto(`${base()}#/events?from=${from}&to=${to}`);
    await page.waitForSelector("#events tbody tr");
    const rows = async () => page.$$eval("#events tbody tr", (trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.children[1]!.textContent, tr.children[2]!.textContent]));
    const expected = want.slice(0, 50);
    const stamps = await stampsOf(expected);
    expect(await rows()).toEqual(expected.map((e, i) => [stamps[i], e.node, e.code.replaceAll("_", " ")]));
    expect(await page.inputValue("#fwin")).toBe("from – to");
    const local = await inputValues([from, to]);
    expect([await page.inputValue("#ffrom"), await page.inputValue("#fto")]).toEqual(local);
    await shoot(page, "events-range");
    // Typed in: node-3 only, the reboot's seconds; the address follows.
    await page.selectOption("#fnode", "node-3");
    await page.waitForFunction(() => Array.from(document.querySelectorAll("#events tbody tr td:nth-child(2)")).every((td) => td.textContent === "node-3"));
    const start = Math.floor(off.ts / 1000) * 1000, end = Math.ceil(back.ts / 1000) * 1000;
    const typed = await inputValues([start, end]);
    await page.fill("#ffrom", typed[0]!);
    await page.fill("#fto", typed[1]!);
    await page.waitForFunction((h) => location.hash === h, `#/events?from=${start}&to=${end}`);
    const { events: mine } = await getJson<{ events: Ev[] }>(`api/events?node=node-3&since=${start}&until=${end}&limit=51`);
    await page.waitForFunction((n) => document.querySelectorAll("#events tbody tr").length === n, mine.length);
    const mineStamps = await stampsOf(mine);
    expect(await rows()).toEqual(mine.map((e, i) => [mineStamps[i], "node-3", e.code.replaceAll("_", " ")]));
    expect(mine.map((e) => e.code)).toEqual(expect.arrayContaining(["node_offline", "node_online"]));
    // An end before the start is refused beside the inputs.
    await page.fill("#fto", typed[0]!.replace(/^\d{4}/, (y) => String(Number(y) - 1)));
    expect(await page.textContent("#rangeerr")).toBe("give a start before the end");
    expect(await page.evaluate(() => location.hash)).toBe(`#/events?from=${start}&to=${end}`);
    await page.evaluate(() => sessionStorage.clear());
  }, 60_000);

  it("the events, alerts and node pages name fleet nodes: no bare MAC or link-local address of a fleet node", async () => {
    const names = await getJson<{ macs: Record<string, string>; addresses: Record<string, string> }>("api/names");
    expect(Object.keys(names.macs).length).toBeGreaterThanOrEqual(NODES);
    const bare = (text: string) => [...Object.keys(names.macs), ...Object.keys(names.addresses)].filter((m) => text.toLowerCase().includes(m.toLowerCase()));
    const { alerts } = await getJson<{ alerts: { id: string; code: string }[] }>("api/alerts?limit=50");
    const flap = alerts.find((a) => a.code === "route_flapping")!;
    for (const [hash, ready, shot] of [
      ["#/events", "#events tbody tr", "events"],
      ["#/alerts", "#alertgroups li.alert", "alerts"],
      [`#/alert/${flap.id}`, "ul.evidence li", "alert"],
      ["#/node/node-1", "#tables table", "node-1"],
    ] as const) {
      await page.goto(`${base()}${hash}`);
      await page.waitForSelector(ready, { timeout: 15_000 });
      const text = await page.innerText("#view");
      expect(text.length, hash).toBeGreaterThan(200);
      expect(bare(text), hash).toEqual([]);
      await shoot(page, shot);
    }
    // The flapping alert: severity, times, its churn plot with axes and both thresholds, evidence as sentences.
    await page.goto(`${base()}#/alert/${flap.id}`);
    await page.waitForSelector("#churn");
    expect(await page.textContent("#churn")).toMatch(/churn score.*opens above 2000.*resolves below 750/);
    expect(await page.textContent("#alerttimes")).toMatch(/^route flapping · route ::\/0 on node-4 · opened .*, resolved .* after \d+ s$/);
    expect(await page.textContent("ul.evidence li")).toMatch(/node-4: route ::\/0 on node-4 /);
    // Mesh path events name both ends: "path node-x → node-y".
    await page.goto(`${base()}#/events`);
    await page.waitForSelector("#events tbody tr");
    expect(await page.innerText("#events")).toMatch(/path node-\d → node-\d/);
  }, 60_000);

  it("a roaming job created from the form reaches every node", async () => {
    await page.goto(`${demo.url.split("?")[0]}#/jobs`);
    await page.waitForSelector("#jobform");
    // The form shows the fields of the chosen template only.
    const fieldsOf = async (template: string) => {
      await page.selectOption('select[name="template"]', template);
      return page.$$eval("#fields [name]", (els) => els.map((e) => e.getAttribute("name")));
    };
    expect(await fieldsOf("ssid")).toEqual(["ssid", "encryption", "key", "match_ssid"]);
    expect(await fieldsOf("routing-firewall")).toEqual(["protocol", "zone"]);
    expect(await fieldsOf("mesh")).toEqual(["mesh_id", "key", "channel", "htmode", "force"]);
    expect(await fieldsOf("raw")).toEqual(["ops", "reloads"]);
    expect(await fieldsOf("roaming")).toEqual(["ssid", "key", "encryption", "mobility_domain", "ft_over_ds", "ieee80211k"]);
    await page.fill('input[name="key"]', "short");
    await page.fill('input[name="mobility_domain"]', "xyz");
    // An invalid form is a form error beside its fields, not a failed request (the page checks the job first).
    const answers: string[] = [];
    const onResponse = (r: { url(): string; status(): number; request(): { method(): string } }) => void (r.request().method() === "POST" && answers.push(`${r.status()} ${new URL(r.url()).pathname}`));
    page.on("response", onResponse);
    await page.click("#create");
    await expect.poll(() => page.textContent('.err[data-for="params.mobility_domain"]'), { timeout: 10_000 }).toMatch(/4 hex/);
    expect(await page.textContent('.err[data-for="params.key"]')).not.toBe("");
    page.off("response", onResponse);
    expect(answers).toEqual(["200 /api/jobs/check"]);
    expect(await page.$$eval("#plan *", (els) => els.length)).toBe(0);
    await shoot(page, "job-validation");
    await page.fill('input[name="key"]', "correct horse battery");
    await page.fill('input[name="mobility_domain"]', "4f2a");
    await page.click("#dry");
    await page.waitForSelector("pre.diff");
    expect(await page.textContent("#plan")).toContain("mobility_domain");
    // Every node gets the same change: one diff, said once.
    expect(await page.$$eval("#plan pre.diff", (ps) => ps.length)).toBe(1);
    expect(await page.textContent("#plan h3")).toBe("5 nodes: same change (node-1, node-2, node-3, node-4, node-5)");
    expect(await page.textContent("#plan")).not.toContain("correct horse battery");
    await page.click("#create");
    await page.waitForFunction(() => document.querySelector("#plan")?.textContent?.includes("created"), undefined, { timeout: 10_000 });
    const jobId = (await page.textContent("#plan b")) ?? "";
    const auth = demo.token ? { authorization: `Bearer ${demo.token}` } : undefined;
    const base = demo.url.split("?")[0];
    const job = await waitFor(
      async () => {
        const r = (await (await fetch(`${base}api/jobs/${jobId}`, { headers: auth })).json()) as { status: string; nodes: { node: string; state: string; appliedAt: number | null; receivedAt: number | null }[] };
        return r.nodes.length === NODES && r.nodes.every((n) => n.state === "verified") ? r : null;
      },
      { timeoutMs: 90_000, intervalMs: 1000, what: "every node verified" },
    );
    expect(job.status).toBe("completed");
    await page.evaluate(() => window.dispatchEvent(new HashChangeEvent("hashchange")));
    await page.waitForFunction((n) => document.querySelectorAll("#joblist .jobstate .verified").length >= n, NODES, { timeout: 15_000 });
    // Progress and the canary batch labelled; every status pill has a background colour.
    expect(await page.textContent("#joblist .progress")).toContain("5/5 verified");
    expect(await page.$$eval("#joblist .pill.canary", (ps) => ps.length)).toBe(1);
    const unreadable = await page.$$eval(".pill", (ps) => ps.filter((p) => ["rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"].includes(getComputedStyle(p).backgroundColor)).map((p) => p.textContent));
    expect(unreadable).toEqual([]);
    await shoot(page, "jobs");
    // The job is marked on every chart of a node it reached, at the time that node applied it.
    const n1 = job.nodes.find((n) => n.node === "node-1") as { appliedAt: number | null; receivedAt: number | null };
    const appliedAt = n1.appliedAt ?? n1.receivedAt;
    expect(appliedAt).toBeGreaterThan(startedAt);
    await page.goto(`${base}#/node/node-1`);
    await page.waitForFunction((t) => (JSON.parse(document.getElementById("plot-peers")?.dataset.markList ?? "[]") as { kind: string; ts: number }[]).some((m) => m.kind === "job" && m.ts === t), appliedAt, { timeout: 20_000 });
    for (const id of ["plot-peers", "plot-stations", "plot-counters"]) {
      const marks = JSON.parse((await page.getAttribute(`#${id}`, "data-mark-list")) ?? "[]") as { kind: string; ts: number }[];
      expect(marks.filter((m) => m.kind === "job"), id).toEqual([{ kind: "job", ts: appliedAt }]);
    }
    await shoot(page, "node-1-job-mark");
  }, 150_000);

  it("no page logs a console error (favicon included)", async () => {
    const { alerts } = await getJson<{ alerts: { id: number }[] }>("api/alerts?limit=1");
    const pages = ["#/", "#/topology", "#/alerts", "#/events", "#/jobs", "#/node/node-1", ...(alerts[0] ? [`#/alert/${alerts[0].id}`] : [])];
    // Every console error since the start counts, the job test's invalid form included (checked, never a failed request).
    await page.goto(`${base()}#/`);
    for (const h of pages) {
      await page.evaluate((hash) => (location.hash = hash), h);
      await page.waitForFunction(() => !document.querySelector("#view .muted")?.textContent?.startsWith("loading"), undefined, { timeout: 10_000 });
    }
    const icon = await fetch(`${base()}favicon.ico`);
    expect([icon.status, icon.headers.get("content-type")]).toEqual([200, "image/svg+xml"]);
    expect(consoleErrors).toEqual([]);
  });
});
