import { describe, expect, it } from "vitest";
import { Registry } from "./registry";

describe("Registry", () => {
  it("renders counters, gauges and collected families in the Prometheus text format", () => {
    const r = new Registry();
    const c = r.counter("mf_test_total", "Things counted.");
    c.inc({ reason: "invalid" });
    c.inc({ reason: "invalid" }, 2);
    c.inc({ reason: 'we"ird\\' });
    const g = r.gauge("mf_lag", "Lag.");
    g.set({}, 7);
    r.collect(() => [{ name: "mf_nodes", help: "Nodes.", kind: "gauge", samples: [{ labels: { status: "online" }, value: 3 }] }]);
    expect(c.get({ reason: "invalid" })).toBe(3);
    expect(r.render()).toBe(
      [
        "# HELP mf_test_total Things counted.",
        "# TYPE mf_test_total counter",
        'mf_test_total{reason="invalid"} 3',
        'mf_test_total{reason="we\\"ird\\\\"} 1',
        "# HELP mf_lag Lag.",
        "# TYPE mf_lag gauge",
        "mf_lag 7",
        "# HELP mf_nodes Nodes.",
        "# TYPE mf_nodes gauge",
        'mf_nodes{status="online"} 3',
        "",
      ].join("\n"),
    );
  });
});
