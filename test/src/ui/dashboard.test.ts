import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { startDemo, type RunningDemo } from "@meshfleet/controller/demo";
import { waitFor } from "@meshfleet/testkit";

const artifacts = join(import.meta.dirname, "..", "..", "artifacts");
const NODES = 5;

/**
 * The dashboard in real headless Chromium (Debian's package, driven by playwright-core)
 * against a running demo: a 5-router simulated mesh whose node-4 default route flaps
 * four times early on, with a short churn half-life so the alert opens and resolves
 * within the test.
 */
describe("dashboard in Chromium against a running demo", () => {
  let demo: RunningDemo;
  let browser: Browser;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), "mf-ui-"));
    demo = await startDemo({
      dataDir,
      port: 0,
      intervalMs: 1000,
      halfLifeMs: 8000,
      say: () => {},
      scenario: { name: "ui-test", nodes: NODES, routing: "babel", events: [{ type: "flapRoute", atMs: 3000, node: "node-4", prefix: "::/0", periodMs: 2000, count: 5 }] },
    });
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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
    await page.screenshot({ path: join(artifacts, "overview.png"), fullPage: true });
  });

  it("the topology page draws every node of the mesh", async () => {
    await page.goto(`${demo.url.split("?")[0]}#/topology`);
    await page.waitForFunction((n) => (window as unknown as { meshfleetGraph?: { nodes(): { length: number } } }).meshfleetGraph?.nodes().length === n, NODES, { timeout: 20_000 });
    const edges = await page.evaluate(() => (window as unknown as { meshfleetGraph: { edges(): { length: number } } }).meshfleetGraph.edges().length);
    expect(edges).toBeGreaterThanOrEqual(NODES - 1);
    await page.screenshot({ path: join(artifacts, "topology.png") });
  });

  it("a route_flapping alert appears and then resolves", async () => {
    await page.goto(`${demo.url.split("?")[0]}#/alerts`);
    const rowText = async () => {
      await page.evaluate(() => window.dispatchEvent(new HashChangeEvent("hashchange")));
      await page.waitForSelector("#alerts");
      return page.$$eval("#alerts tbody tr", (trs) => trs.map((tr) => tr.textContent ?? ""));
    };
    const open = await waitFor(async () => (await rowText()).find((t) => t.startsWith("open") && t.includes("route_flapping")), { timeoutMs: 60_000, intervalMs: 1000, what: "an open route_flapping alert" });
    expect(open).toContain("node-4");
    await page.screenshot({ path: join(artifacts, "alert-open.png") });
    const resolved = await waitFor(async () => (await rowText()).find((t) => t.startsWith("resolved") && t.includes("route_flapping") && t.includes("node-4")), { timeoutMs: 90_000, intervalMs: 2000, what: "the alert resolved" });
    expect(resolved).toContain("is flapping");
    await page.screenshot({ path: join(artifacts, "alert-resolved.png") });
  }, 180_000);

  it("a roaming job created from the form reaches every node", async () => {
    await page.goto(`${demo.url.split("?")[0]}#/jobs`);
    await page.waitForSelector("#jobform");
    await page.fill('input[name="key"]', "short");
    await page.fill('input[name="mobility_domain"]', "xyz");
    await page.click("#create");
    await expect.poll(() => page.textContent('.err[data-for="params.mobility_domain"]'), { timeout: 10_000 }).toMatch(/4 hex/);
    expect(await page.textContent('.err[data-for="params.key"]')).not.toBe("");
    await page.screenshot({ path: join(artifacts, "job-validation.png") });
    await page.fill('input[name="key"]', "correct horse battery");
    await page.fill('input[name="mobility_domain"]', "4f2a");
    await page.click("#dry");
    await page.waitForSelector("pre.diff");
    expect(await page.textContent("#plan")).toContain("mobility_domain");
    expect(await page.textContent("#plan")).not.toContain("correct horse battery");
    await page.click("#create");
    await page.waitForFunction(() => document.querySelector("#plan")?.textContent?.includes("created"), undefined, { timeout: 10_000 });
    const jobId = (await page.textContent("#plan b")) ?? "";
    const auth = demo.token ? { authorization: `Bearer ${demo.token}` } : undefined;
    const base = demo.url.split("?")[0];
    const job = await waitFor(
      async () => {
        const r = (await (await fetch(`${base}api/jobs/${jobId}`, { headers: auth })).json()) as { status: string; nodes: { node: string; state: string }[] };
        return r.nodes.length === NODES && r.nodes.every((n) => n.state === "verified") ? r : null;
      },
      { timeoutMs: 90_000, intervalMs: 1000, what: "every node verified" },
    );
    expect(job.status).toBe("completed");
    await page.evaluate(() => window.dispatchEvent(new HashChangeEvent("hashchange")));
    await page.waitForFunction((n) => document.querySelectorAll("#joblist .jobstate .verified").length >= n, NODES, { timeout: 15_000 });
    await page.screenshot({ path: join(artifacts, "job-verified.png"), fullPage: true });
  }, 150_000);
});
