import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { startDemo, type DemoOptions, type RunningDemo } from "@meshfleet/sim/demo";
import { artifacts, NODES } from "./page-checks";

/** What every dashboard test reads: the running demo, the browser page and two API helpers. */
export interface UiContext {
  demo: RunningDemo;
  page: Page;
  /** The dashboard's address without the login token. */
  base: () => string;
  getJson: <T>(path: string) => Promise<T>;
  /** A request to the API with the demo's token (JSON body when given), its JSON answer. */
  call: <T>(method: string, path: string, body?: unknown) => Promise<T>;
  startedAt: number;
  /** Every console error and uncaught page error, on any page, with the page it happened on. */
  consoleErrors: string[];
}

/**
 * The dashboard tests' mesh: 5 routers whose node-4 default route flaps seven times early on
 * (every 2 s from 3 s), with a short churn half-life so the alert opens and resolves within
 * the tests, whose node-1 <-> node-2 link degrades from 8 s on until their mesh path goes
 * through node-5, and whose node-3 reboots (down from 30 s to 40 s).
 */
const DASHBOARD_DEMO: UiDemoOptions = {
  halfLifeMs: 8000,
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
};

/** What a describe block chooses of its demo: the scenario and the churn half-life. */
export type UiDemoOptions = Pick<DemoOptions, "scenario" | "halfLifeMs">;

/**
 * A running demo (a router every second) and real headless Chromium (Debian's package,
 * driven by playwright-core) for the tests of one describe block; the dashboard tests' mesh
 * unless `options` names another scenario.
 */
export function useUiDemo(options: UiDemoOptions = DASHBOARD_DEMO): { get(): UiContext } {
  let ctx: UiContext | null = null;
  let browser: Browser | undefined;
  let demo: RunningDemo | undefined;
  let dataDir = "";
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), "mf-ui-"));
    const startedAt = Date.now();
    demo = await startDemo({ dataDir, port: 0, intervalMs: 1000, say: () => {}, ...options });
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const consoleErrors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    const running = demo;
    const base = () => running.url.split("?")[0]!;
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const headers = { authorization: `Bearer ${running.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) };
      return (await (await fetch(`${base()}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })).json()) as T;
    };
    const getJson = <T>(path: string) => call<T>("GET", path);
    ctx = { demo: running, page, base, getJson, call, startedAt, consoleErrors };
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    get: () => {
      if (!ctx) throw new Error("the dashboard demo did not start");
      return ctx;
    },
  };
}
