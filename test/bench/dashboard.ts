import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium, type CDPSession, type Page } from "playwright-core";
import { startDemo } from "@meshfleet/sim/demo";
import { waitFor } from "@meshfleet/testkit";

/**
 * Dashboard benchmark: the demo with N simulated routers (default 300), the dashboard in
 * headless Chromium. Prints the API answer sizes and times, how long each page takes to
 * show every node (fleet table rows, topology graph nodes), and the browser's main-thread
 * time (CDP Performance metrics: ScriptDuration + LayoutDuration + RecalcStyleDuration)
 * spent on live updates per minute while the overview and the topology stay open.
 *
 *   npm run bench -- dashboard [--nodes 300] [--interval 5000] [--watch 30]
 */
export default async function dashboardBench(args: string[]): Promise<void> {
  const { values: f } = parseArgs({ args, options: { nodes: { type: "string", default: "300" }, interval: { type: "string", default: "5000" }, watch: { type: "string", default: "30" } } });
  const nodes = Number(f.nodes);
  const intervalMs = Number(f.interval);
  const watchS = Number(f.watch);
  const dataDir = mkdtempSync(join(tmpdir(), "mf-bench-ui-"));
  const demo = await startDemo({ dataDir, port: 0, nodes, intervalMs, say: () => {}, scenario: { name: "bench", nodes, routing: "babel", events: [] } });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const base = demo.url.split("?")[0]!;
    const auth = { authorization: `Bearer ${demo.token}` };
    await waitFor(
      async () => {
        const r = (await (await fetch(`${base}api/nodes`, { headers: auth })).json()) as { nodes: { status: string }[] };
        return r.nodes.filter((n) => n.status === "online").length === nodes;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: `${nodes} nodes online` },
    );
    for (const path of ["api/nodes", "api/topology", "api/alerts?state=open", "api/events?limit=200"]) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        bytes = (await (await fetch(`${base}${path}`, { headers: auth })).arrayBuffer()).byteLength;
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      console.log(`GET /${path}: ${(bytes / 1024).toFixed(1)} KiB, median ${times[5]!.toFixed(1)} ms, max ${times[9]!.toFixed(1)} ms (10 requests)`);
    }

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");

    let t0 = performance.now();
    await page.goto(demo.url);
    await page.waitForFunction((n) => document.querySelectorAll("#nodes tbody tr").length === n, nodes, { timeout: 60_000 });
    console.log(`overview: ${nodes} rows shown ${(performance.now() - t0).toFixed(0)} ms after navigation`);
    await report(`overview open ${watchS} s with live updates`, page, cdp, watchS);

    t0 = performance.now();
    await page.goto(`${base}#/topology`);
    await page.waitForFunction((n) => (window as unknown as { meshfleetGraph?: { nodes(): { length: number } } }).meshfleetGraph?.nodes().length === n, nodes, { timeout: 60_000 });
    const edges = await page.evaluate(() => (window as unknown as { meshfleetGraph: { edges(): { length: number } } }).meshfleetGraph.edges().length);
    console.log(`topology: ${nodes} nodes and ${edges} edges drawn ${(performance.now() - t0).toFixed(0)} ms after navigation`);
    await report(`topology open ${watchS} s with live updates`, page, cdp, watchS);

    t0 = performance.now();
    await page.goto(`${base}#/node/node-1`);
    await page.waitForFunction(() => document.querySelectorAll("main table tbody tr").length > 0, undefined, { timeout: 60_000 });
    console.log(`node page: first table rows ${(performance.now() - t0).toFixed(0)} ms after navigation`);
  } finally {
    await browser.close();
    await demo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function mainThreadMs(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send("Performance.getMetrics")) as { metrics: { name: string; value: number }[] };
  const v = (n: string) => metrics.find((m) => m.name === n)?.value ?? 0;
  return (v("ScriptDuration") + v("LayoutDuration") + v("RecalcStyleDuration")) * 1000;
}

async function report(what: string, page: Page, cdp: CDPSession, seconds: number): Promise<void> {
  const before = await mainThreadMs(cdp);
  const heap0 = (await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0)) / 2 ** 20;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const spent = (await mainThreadMs(cdp)) - before;
  const heap1 = (await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0)) / 2 ** 20;
  console.log(`${what}: browser main thread ${spent.toFixed(0)} ms (${((spent / (seconds * 1000)) * 100).toFixed(1)} % of the time), JS heap ${heap0.toFixed(1)} -> ${heap1.toFixed(1)} MiB`);
}
