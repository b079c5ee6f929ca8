import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { freePort, startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { subjects } from "@meshfleet/shared";
import { buildHello, buildSnapshot } from "@meshfleet/controller/testing";
import { createTokenViaCli, metricValue, repoRoot, spawnController, stopGracefully, type ControllerProcess } from "../controller-helpers";

// Debian's prometheus scrapes the built controller with the documented scrape job
// (packaging/prometheus/meshfleet.yml, a viewer token) and answers PromQL about it; the
// Grafana dashboard in docs/ queries only metrics the controller exposes, and each of
// its expressions is valid PromQL to that Prometheus.
const PROMETHEUS = ["/usr/bin/prometheus", "/usr/local/bin/prometheus"].find((p) => existsSync(p));
const DASHBOARD = join(repoRoot, "docs/grafana/meshfleet-dashboard.json");
const NODE = "prom-r1";

let srv: RunningNatsServer;
let ctl: ControllerProcess;
let prom: ChildProcess | null = null;
let promUrl = "";
let promLog = "";
const dir = tempDir("mf-prometheus-");

interface PromResult {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  error?: string;
}
async function query(expr: string): Promise<PromResult> {
  const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (await r.json()) as PromResult;
}

beforeAll(async () => {
  if (!PROMETHEUS) throw new Error("prometheus binary not found: install it with `apt-get install -y prometheus`");
  srv = await startNatsServer();
  const db = join(dir.path, "meshfleet.db");
  const apiPort = await freePort();
  ctl = await spawnController(db, srv.url, apiPort);
  // One node with three stations, its snapshot taken now (so it counts as online).
  const nc = await connect({ servers: srv.url });
  const js = jetstream(nc);
  await js.publish(subjects.hello(NODE), JSON.stringify(buildHello({ node: NODE, ts: Date.now(), macs: ["02:00:00:00:01:01"] })));
  await js.publish(subjects.telemetry(NODE), JSON.stringify(buildSnapshot({ node: NODE, seq: 1, ts: Date.now(), profile: { stations: 3 } })));
  await nc.close();
  await waitFor(async () => metricValue(await (await ctl.get("/metrics")).text(), `meshfleet_node_stations{node="${NODE}"}`) === 3, { timeoutMs: 20_000, what: "the snapshot in /metrics" });

  // The documented scrape job, pointed at this controller with a viewer token, every second.
  const tokenFile = join(dir.path, "meshfleet.token");
  writeFileSync(tokenFile, createTokenViaCli(db, "viewer"), { mode: 0o600 });
  const job = readFileSync(join(repoRoot, "packaging/prometheus/meshfleet.yml"), "utf8")
    .replace("scrape_interval: 15s", "scrape_interval: 1s")
    .replace("/etc/prometheus/meshfleet.token", tokenFile)
    .replace('"127.0.0.1:8080"', `"127.0.0.1:${apiPort}"`);
  expect(job).toContain(tokenFile);
  const config = join(dir.path, "prometheus.yml");
  writeFileSync(config, `global:\n  evaluation_interval: 1s\n${job}`);
  const check = spawnSync("promtool", ["check", "config", config], { encoding: "utf8" });
  expect(check.status, check.stdout + check.stderr).toBe(0);
  const promPort = await freePort();
  promUrl = `http://127.0.0.1:${promPort}`;
  prom = spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir.path, "tsdb")}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: ["ignore", "pipe", "pipe"] });
  prom.stderr?.on("data", (b: Buffer) => (promLog = (promLog + b.toString()).slice(-8000)));
  await waitFor(async () => (await fetch(`${promUrl}/-/ready`).catch(() => null))?.status === 200, { timeoutMs: 30_000, what: `prometheus ready: ${promLog}` });
}, 120_000);

afterAll(async () => {
  if (prom && prom.exitCode === null) {
    const exited = new Promise((r) => prom!.once("exit", r));
    prom.kill("SIGTERM");
    await exited;
  }
  if (ctl) await stopGracefully(ctl);
  await srv?.dispose();
  dir.cleanup();
});

describe("Prometheus scraping the controller", () => {
  it("scrapes /metrics with the viewer token and answers PromQL with the controller's values", async () => {
    const stations = await waitFor(async () => (await query(`meshfleet_node_stations{node="${NODE}"}`)).data.result[0], { timeoutMs: 30_000, what: `a scraped sample; prometheus log:\n${promLog}` });
    expect(stations.metric).toMatchObject({ __name__: "meshfleet_node_stations", job: "meshfleet", node: NODE });
    expect(stations.value[1]).toBe("3");
    const up = (await query('up{job="meshfleet"}')).data.result;
    expect(up.map((r) => r.value[1])).toEqual(["1"]);
    const online = (await query('meshfleet_nodes{status="online"}')).data.result;
    expect(online.map((r) => r.value[1])).toEqual(["1"]);
    const signals = (await query(`count(meshfleet_station_signal_dbm{node="${NODE}"})`)).data.result;
    expect(signals.map((r) => r.value[1])).toEqual(["3"]);
  });

  it("the Grafana dashboard queries metrics the controller exposes, with valid PromQL", async () => {
    const dash = JSON.parse(readFileSync(DASHBOARD, "utf8")) as { panels: { title: string; targets: { expr: string }[] }[]; templating: { list: { definition?: string }[] } };
    const exprs = [...dash.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...dash.templating.list.flatMap((v) => (v.definition ? [v.definition] : []))];
    expect(exprs.length).toBeGreaterThan(15);
    const exposed = new Set([...(await (await ctl.get("/metrics")).text()).matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    // A histogram's series (_bucket, _sum, _count) are typed under its own name.
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\bmeshfleet_[a-z_]+/g)].map((m) => (exposed.has(m[0]) ? m[0] : m[0].replace(/_(bucket|sum|count)$/, "")))));
    expect([...used].filter((m) => !exposed.has(m))).toEqual([]);
    expect(used.size).toBeGreaterThanOrEqual(15);
    for (const e of exprs.filter((x) => !x.startsWith("label_values"))) {
      const r = await query(e.replaceAll("$node", ".*"));
      expect(r.status, `${e}: ${r.error ?? ""}`).toBe("success");
    }
  });
});
