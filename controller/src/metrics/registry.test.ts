import { describe, expect, it } from "vitest";
import { Registry } from "./registry";

describe("Registry", () => {
  it("renders counters, gauges, histograms and collected families in the Prometheus text format", async () => {
    const r = new Registry();
    const c = r.counter("mf_test_total", "Things counted.", ["reason"]);
    c.inc({ reason: "invalid" });
    c.inc({ reason: "invalid" }, 2);
    c.inc({ reason: 'we"ird\\' });
    const g = r.gauge("mf_lag", "Lag.");
    g.set(7);
    const h = r.histogram("mf_batch_seconds", "Batch time.", [0.01, 0.1]);
    h.observe(0.005);
    h.observe(0.05);
    h.observe(3);
    let scrapes = 0;
    r.collect(() => [{ name: "mf_nodes", help: "Nodes.", kind: "gauge", labelNames: ["status"], samples: [{ labels: { status: scrapes++ === 0 ? "online" : "offline" }, value: 3 }] }]);
    expect(await r.render()).toBe(
      [
        "# HELP mf_test_total Things counted.",
        "# TYPE mf_test_total counter",
        'mf_test_total{reason="invalid"} 3',
        'mf_test_total{reason="we\\"ird\\\\"} 1',
        "",
        "# HELP mf_lag Lag.",
        "# TYPE mf_lag gauge",
        "mf_lag 7",
        "",
        "# HELP mf_batch_seconds Batch time.",
        "# TYPE mf_batch_seconds histogram",
        'mf_batch_seconds_bucket{le="0.01"} 1',
        'mf_batch_seconds_bucket{le="0.1"} 2',
        'mf_batch_seconds_bucket{le="+Inf"} 3',
        "mf_batch_seconds_sum 3.055",
        "mf_batch_seconds_count 3",
        "",
        "# HELP mf_nodes Nodes.",
        "# TYPE mf_nodes gauge",
        'mf_nodes{status="online"} 3',
        "",
      ].join("\n"),
    );
    // A collected family holds only what the latest scrape returned.
    const again = await r.render();
    expect(again).toContain('mf_nodes{status="offline"} 3');
    expect(again).not.toContain('mf_nodes{status="online"}');
  });

  it("process metrics: Node's CPU, memory and event loop lag", async () => {
    const r = new Registry();
    r.processMetrics();
    const text = await r.render();
    for (const name of ["process_cpu_seconds_total", "process_resident_memory_bytes", "nodejs_eventloop_lag_seconds", "nodejs_heap_size_used_bytes"]) expect(text).toMatch(new RegExp(`^# TYPE ${name} `, "m"));
  });
});
