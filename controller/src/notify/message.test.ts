import { describe, expect, it } from "vitest";
import { parseNotifications } from "./config";
import { alertMessage, digestMessage } from "./message";
import { maskedUrl, notifyRequest } from "./payloads";
import { testAlert } from "../../testing/notify";

const text = { what: "node-5 offline", where: ["node-5"], since: 1_700_000_000_000, why: "node-5 sent nothing for 35 s (3.5 intervals).", evidence: ["last snapshot 22:13:20"], check: ["power and uplink of node-5"] };

describe("notification messages (pure)", () => {
  it("one alert: what and where in the title, why, evidence and what to check in the body", () => {
    const m = alertMessage(testAlert(5, { text }));
    expect(m.title).toBe("[CRITICAL] node-5 offline — node-5");
    expect(m.body).toBe("node-5 sent nothing for 35 s (3.5 intervals).\n\n- last snapshot 22:13:20\n\nCheck:\n- power and uplink of node-5\n\nnode_offline node:node-5 (alert 5, opened 2023-11-14T22:13:20.005Z)");
    expect(m).toMatchObject({ severity: "critical", resolvedOnly: false, digest: false });
    const r = alertMessage(testAlert(5, { text, state: "resolved", resolvedAt: 1_700_000_090_000 }));
    expect(r.title).toBe("[RESOLVED] node-5 offline — node-5");
    expect(r).toMatchObject({ severity: "info", resolvedOnly: true });
  });

  it("a digest counts opened and resolved, most severe first", () => {
    const m = digestMessage([testAlert(1, { severity: "warning", code: "link_degraded", subject: "link:node-1-node-2", summary: "mesh link node-1 <-> node-2 degraded" }), testAlert(2), testAlert(3, { state: "resolved", resolvedAt: 1 })]);
    expect(m.title).toBe("3 alerts: 2 opened, 1 resolved");
    expect(m.body.split("\n")).toEqual(["- [CRITICAL] node-2 sent no snapshot since 2023-11-14T22:13:20 — node-2", "- [WARNING] mesh link node-1 <-> node-2 degraded — node-1", "- [RESOLVED] node-3 sent no snapshot since 2023-11-14T22:13:20 — node-3"]);
    expect(m).toMatchObject({ severity: "critical", digest: true, resolvedOnly: false });
  });
});

describe("payloads per target kind (pure)", () => {
  const cfg = parseNotifications({
    targets: [
      { name: "phone", kind: "ntfy", url: "https://ntfy.example/sub/meshfleet-alerts", token: "tk_secret" },
      { name: "chat", kind: "slack", url: "https://hooks.slack.com/services/T0/B0/XyZsecret", severities: ["critical"] },
      { name: "siem", kind: "webhook", url: "https://siem.example/in?key=abc", headers: { authorization: "Bearer h" } },
    ],
  });
  const [ntfy, slack, hook] = cfg.targets;

  it("ntfy: JSON publishing to the server root, topic in the body, priority from severity, token as Bearer", () => {
    const r = notifyRequest(ntfy!, alertMessage(testAlert(5, { text })));
    expect(r.url).toBe("https://ntfy.example/sub/");
    expect(r.headers).toEqual({ "content-type": "application/json", authorization: "Bearer tk_secret" });
    expect(JSON.parse(r.body)).toEqual({ topic: "meshfleet-alerts", title: "[CRITICAL] node-5 offline — node-5", message: expect.stringContaining("node-5 sent nothing") as string, priority: 5, tags: ["rotating_light", "meshfleet"] });
    expect(JSON.parse(notifyRequest(ntfy!, alertMessage(testAlert(5, { state: "resolved", resolvedAt: 2 }))).body)).toMatchObject({ priority: 2, tags: ["white_check_mark", "meshfleet"] });
  });

  it("slack/mattermost: text plus one coloured attachment, Slack's control characters escaped", () => {
    const r = notifyRequest(slack!, alertMessage(testAlert(1, { summary: "mesh link node-1 <-> node-2 down & out" })));
    expect(r.url).toBe("https://hooks.slack.com/services/T0/B0/XyZsecret");
    const body = JSON.parse(r.body) as { text: string; attachments: { color: string; text: string; fallback: string }[] };
    expect(body.text).toBe("[CRITICAL] mesh link node-1 &lt;-&gt; node-2 down &amp; out — node-1");
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0]!.color).toBe("#d50200");
  });

  it("webhook: the alert itself, or a digest object with every alert; secret fields masked", () => {
    const a = testAlert(1, { evidence: { eventIds: [], scores: [], detail: { params: { key: "wifi-pass" } } } });
    expect(JSON.parse(notifyRequest(hook!, alertMessage(a)).body)).toMatchObject({ type: "alert", id: "1", evidence: { detail: { params: { key: "********" } } } });
    expect(JSON.parse(notifyRequest(hook!, digestMessage([a, testAlert(2), testAlert(3)])).body)).toMatchObject({ type: "alert_digest", count: 3, title: "3 alerts: 3 opened", alerts: [{ id: "1", evidence: { detail: { params: { key: "********" } } } }, { id: "2" }, { id: "3" }] });
  });

  it("URLs are logged as scheme and host only; config errors name the field, never the value", () => {
    expect(maskedUrl("https://hooks.slack.com/services/T0/B0/XyZsecret")).toBe("https://hooks.slack.com/…");
    expect(() => parseNotifications({ targets: [{ name: "x", kind: "slack", url: "ftp://secret-host/XyZsecret" }] })).toThrow(/targets\.0\.url/);
    expect(() => parseNotifications({ targets: [{ name: "x", kind: "slack", url: "ftp://secret-host/XyZsecret" }] })).not.toThrow(/XyZsecret/);
    expect(() => parseNotifications({ targets: [{ name: "x", kind: "slack", url: "https://a.example/h", token: "t" }] })).toThrow(/token is for ntfy/);
    expect(() => parseNotifications({ targets: [{ name: "x", kind: "ntfy", url: "https://ntfy.example/" }] })).toThrow(/names the topic/);
    expect(() => parseNotifications({ targets: [{ name: "x", kind: "ntfy", url: "https://ntfy.example/t" }, { name: "x", kind: "slack", url: "https://a.example/h" }] })).toThrow(/unique/);
  });
});
