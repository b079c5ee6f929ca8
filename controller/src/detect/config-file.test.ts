import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { alertingOptions, loadAlertingFile } from "./config-file";
import { detectConfig } from "./fleet";

describe("serve --alerting file", () => {
  it("turns a partial file into detection options over the defaults", () => {
    const o = alertingOptions({
      churn: { halfLifeMs: 60_000, openAbove: 1500 },
      offlineAfterIntervals: 5,
      linkHealth: { dropDb: 6, toleranceMs: 120_000 },
      webhooks: [{ url: "https://hooks.example.net/mesh", minSeverity: "warning" }],
    });
    const cfg = detectConfig(o.config);
    expect(cfg.churn).toEqual({ halfLifeMs: 60_000, flapPenalty: 1000, metricPenalty: 500, countToInfinityMs: 180_000, openAbove: 1500, resolveBelow: 750, historyMax: 100 });
    expect(cfg.offlineAfterIntervals).toBe(5);
    expect([cfg.linkHealth.dropDb, cfg.linkHealth.toleranceMs, cfg.linkHealth.throughputFraction, cfg.linkHealth.floorSignalDbm]).toEqual([6, 120_000, 0.25, -90]);
    expect(cfg.convergence.slowMs).toBe(60_000);
    // The older webhooks list is one more notification target: each change at once, as before.
    expect(o.notifications?.targets).toEqual([{ name: "webhook-1", kind: "webhook", url: "https://hooks.example.net/mesh", severities: ["warning", "critical"], headers: {}, timeoutMs: 10_000, attempts: 8, group: false }]);
    expect(o.notifications).toMatchObject({ groupWaitMs: 10_000, digestFrom: 3 });
  });

  it("notification targets: defaults filled in, routing kept, errors name the field", () => {
    const o = alertingOptions({ notifications: { targets: [{ name: "phone", kind: "ntfy", url: "https://ntfy.example/mesh", token: "tk", severities: ["critical"] }, { name: "chat", kind: "slack", url: "https://chat.example/hooks/abc" }] } });
    expect(o.notifications).toMatchObject({ groupWaitMs: 10_000, digestFrom: 3, rateLimit: { max: 20, perMs: 3_600_000 } });
    expect(o.notifications?.targets.map((t) => [t.name, t.severities])).toEqual([
      ["phone", ["critical"]],
      ["chat", ["info", "warning", "critical"]],
    ]);
    expect(() => alertingOptions({ notifications: { targets: [{ name: "x", kind: "pager", url: "https://a.example/" }] } })).toThrowError(/notifications\.targets\.0\.kind/);
    // Both lists at once: the webhooks come after the targets, under names not taken.
    const both = alertingOptions({ notifications: { targets: [{ name: "webhook-1", kind: "slack", url: "https://chat.example/hooks/abc" }] }, webhooks: [{ url: "https://a.example/in", headers: { "x-token": "t" }, retry: { info: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 } } }] });
    expect(both.notifications?.targets.map((t) => [t.name, t.kind, t.severities.join(","), t.attempts, t.group, t.headers])).toEqual([
      ["webhook-1", "slack", "info,warning,critical", 4, true, {}],
      ["webhooks-1", "webhook", "info,warning,critical", 8, false, { "x-token": "t" }],
    ]);
    expect(() => alertingOptions({ notifications: { targets: [] } })).toThrowError(/notifications\.targets/);
  });

  it("names the field of every problem", () => {
    expect(() => alertingOptions({ churn: { halfLifeMs: -1 } })).toThrowError(/churn\.halfLifeMs/);
    expect(() => alertingOptions({ churn: { openAbove: 700, resolveBelow: 750 } })).toThrowError(/churn\.resolveBelow: .*below/);
    expect(() => alertingOptions({ webhooks: [{ url: "ftp://x" }] })).toThrowError(/webhooks\.0\.url/);
    expect(() => alertingOptions({ churnn: {} })).toThrowError(/unrecognized key/i);
    expect(() => alertingOptions({ linkHealth: { throughputFraction: 1.5 } })).toThrowError(/linkHealth\.throughputFraction/);
  });

  it("reads a file and reports unreadable or non-JSON files with code E_CONFIG", () => {
    const dir = mkdtempSync(join(tmpdir(), "mf-alerting-"));
    try {
      const good = join(dir, "alerting.json");
      writeFileSync(good, JSON.stringify({ tickMs: 1000, natsAlerts: false }));
      expect(loadAlertingFile(good)).toMatchObject({ tickMs: 1000, natsAlerts: false });
      const bad = join(dir, "bad.json");
      writeFileSync(bad, "{ not json");
      expect(() => loadAlertingFile(bad)).toThrowError(expect.objectContaining({ code: "E_CONFIG" }) as Error);
      expect(() => loadAlertingFile(join(dir, "missing.json"))).toThrowError(/cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
