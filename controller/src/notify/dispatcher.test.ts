import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { alertingOptions } from "../detect/config-file";
import { RecordingLogger, silentLogger } from "../log";
import { parseNotifications, type NotificationsInput } from "./config";
import { NotificationSink } from "./dispatcher";
import { NotifyError, post } from "./post";
import { ManualTimers, Receiver, testAlert } from "../../testing/notify";

describe("NotificationSink against a local HTTP receiver", () => {
  let rx: Receiver;
  beforeEach(async () => {
    rx = await new Receiver().start();
  });
  afterEach(async () => {
    await rx.stop();
  });
  const config = (o: Partial<NotificationsInput>) =>
    parseNotifications({
      targets: [
        { name: "phone", kind: "ntfy", url: `${rx.url}/ntfy/alerts`, token: "tk_secret" },
        { name: "chat", kind: "slack", url: `${rx.url}/slack/T0/B0/XyZ`, severities: ["critical"] },
        { name: "siem", kind: "webhook", url: `${rx.url}/hook`, severities: ["critical", "warning"] },
      ],
      ...o,
    });

  it("routes by severity and sends one digest per target when many alerts open at once", async () => {
    const sink = new NotificationSink(config({ groupWaitMs: 20 }), { log: silentLogger });
    const alerts = [testAlert(1), testAlert(2), testAlert(3, { severity: "warning", code: "link_degraded" }), testAlert(4, { severity: "info", code: "lint" })];
    await Promise.all(alerts.map((a) => sink.deliver(a)));
    // ntfy takes all four (one digest), Slack the two critical ones (under digestFrom: one message each), the webhook three (one digest).
    expect(rx.got).toHaveLength(4);
    expect(rx.on("/ntfy/")).toEqual([{ path: "/ntfy/", headers: expect.objectContaining({ authorization: "Bearer tk_secret" }) as object, body: expect.objectContaining({ topic: "alerts", title: "4 alerts: 4 opened", priority: 5 }) as object }]);
    expect(rx.on("/slack/T0/B0/XyZ").map((r) => (r.body as { text: string }).text)).toEqual(["[CRITICAL] node-1 sent no snapshot since 2023-11-14T22:13:20 — node-1", "[CRITICAL] node-2 sent no snapshot since 2023-11-14T22:13:20 — node-2"]);
    expect(rx.on("/hook").map((r) => r.body)).toEqual([expect.objectContaining({ type: "alert_digest", count: 3, alerts: [expect.objectContaining({ id: "1" }), expect.objectContaining({ id: "2" }), expect.objectContaining({ id: "3" })] })]);
  });

  it("the older webhooks list (mapped to webhook targets with group: false) gets each alert change at once, as the alert's JSON", async () => {
    const o = alertingOptions({ webhooks: [{ url: `${rx.url}/old-hook`, minSeverity: "warning", headers: { "x-token": "t0k" } }] });
    const timers = new ManualTimers();
    const sink = new NotificationSink(o.notifications!, { log: silentLogger, timers, now: () => timers.nowMs });
    const alerts = [testAlert(1), testAlert(2), testAlert(3, { severity: "warning", code: "link_degraded" }), testAlert(4, { severity: "info", code: "lint" }), testAlert(1, { state: "resolved", resolvedAt: 5 })];
    await Promise.all(alerts.map((a) => sink.deliver(a)));
    // No window, no digest, no timer; info is below minSeverity.
    expect(timers.pending()).toEqual([]);
    expect(rx.on("/old-hook").map((r) => [(r.body as { id: string }).id, (r.body as { state: string }).state, r.headers["x-token"]])).toEqual([
      ["1", "open", "t0k"],
      ["2", "open", "t0k"],
      ["3", "open", "t0k"],
      ["1", "resolved", "t0k"],
    ]);
    expect(rx.on("/old-hook")[0]!.body).toEqual(JSON.parse(JSON.stringify(testAlert(1))));
  });

  it("a later change of the same alert in the window replaces the earlier one", async () => {
    const sink = new NotificationSink(config({ groupWaitMs: 20, targets: [{ name: "siem", kind: "webhook", url: `${rx.url}/hook` }] }), { log: silentLogger });
    await Promise.all([sink.deliver(testAlert(1)), sink.deliver(testAlert(1, { state: "resolved", resolvedAt: 5 }))]);
    expect(rx.got.map((r) => r.body)).toEqual([expect.objectContaining({ type: "alert", id: "1", state: "resolved" })]);
  });

  it("rate limit: what is over the limit waits for a token and goes out as one digest", async () => {
    const timers = new ManualTimers();
    const sink = new NotificationSink(config({ groupWaitMs: 1000, rateLimit: { max: 2, perMs: 60_000 }, targets: [{ name: "phone", kind: "ntfy", url: `${rx.url}/ntfy/alerts` }] }), { log: silentLogger, timers, now: () => timers.nowMs });
    const sent: Promise<void>[] = [];
    for (let i = 1; i <= 2; i++) {
      sent.push(sink.deliver(testAlert(i)));
      timers.fireNext();
      await rx.waitFor(i);
    }
    for (let i = 3; i <= 6; i++) sent.push(sink.deliver(testAlert(i)));
    timers.fireNext();
    // No token left: the four wait. A token takes 30 s (2 per minute); the three 1 s windows so far refilled 1/15 of one: 28 s.
    expect(timers.pending()).toEqual([28_000]);
    expect(rx.got).toHaveLength(2);
    timers.fireNext();
    await Promise.all(sent);
    expect(rx.got.map((r) => (r.body as { title: string }).title)).toEqual([
      "[CRITICAL] node-1 sent no snapshot since 2023-11-14T22:13:20 — node-1",
      "[CRITICAL] node-2 sent no snapshot since 2023-11-14T22:13:20 — node-2",
      "4 alerts: 4 opened",
    ]);
  });

  it("an alert acknowledged or silenced while it waits is dropped, not sent", async () => {
    const quiet = new Set(["2"]);
    const sink = new NotificationSink(config({ groupWaitMs: 20, targets: [{ name: "siem", kind: "webhook", url: `${rx.url}/hook` }] }), { log: silentLogger, stillNotify: (a) => !quiet.has(a.id) });
    await Promise.all([sink.deliver(testAlert(1)), sink.deliver(testAlert(2))]);
    expect(rx.got.map((r) => (r.body as { id: string }).id)).toEqual(["1"]);
  });

  it("a target that gives up is logged by name with a stable code; its URL path, token and headers never appear", async () => {
    const log = new RecordingLogger();
    rx.statuses = [403];
    const sink = new NotificationSink(config({ groupWaitMs: 0, targets: [{ name: "chat", kind: "slack", url: `${rx.url}/services/T0/B0/XyZsecret`, headers: { "x-api-key": "hdr-secret" } }] }), { log });
    await sink.deliver(testAlert(1));
    const line = JSON.stringify(log.entries);
    expect(log.entries.find((l) => l.msg === "a notification target gave up")).toMatchObject({ obj: { target: "chat", code: "notify_refused", url: `${rx.url}/…` } });
    expect(line).not.toMatch(/XyZsecret|hdr-secret/);
  });

  it("close() sends what waits at once (shutdown)", async () => {
    const timers = new ManualTimers();
    const sink = new NotificationSink(config({ groupWaitMs: 60_000, targets: [{ name: "siem", kind: "webhook", url: `${rx.url}/hook` }] }), { log: silentLogger, timers, now: () => timers.nowMs });
    const d = sink.deliver(testAlert(1));
    await sink.close();
    await d;
    expect(rx.got).toHaveLength(1);
    expect(timers.pending()).toEqual([]);
  });
});

describe("post (retries)", () => {
  let rx: Receiver;
  beforeEach(async () => {
    rx = await new Receiver().start();
  });
  afterEach(async () => {
    await rx.stop();
  });
  const target = (url: string, attempts = 4) => parseNotifications({ targets: [{ name: "siem", kind: "webhook", url, attempts }] }).targets[0]!;

  it("retries 5xx and 429 with exponential backoff; other 4xx are final; network errors hide the URL", async () => {
    rx.statuses = [503, 429, 200];
    const sleeps: number[] = [];
    await post({ url: `${rx.url}/hook`, headers: {}, body: "{}" }, target(`${rx.url}/hook`), { sleep: (ms) => Promise.resolve(void sleeps.push(ms)) });
    expect(rx.got).toHaveLength(3);
    expect(sleeps).toEqual([1000, 2000]);
    rx.statuses = [404];
    await expect(post({ url: `${rx.url}/hook`, headers: {}, body: "{}" }, target(`${rx.url}/hook`), { sleep: () => Promise.resolve() })).rejects.toMatchObject({ code: "notify_refused", attempts: 1 });
    const gone = "http://127.0.0.1:1/secret-path";
    const err = await post({ url: gone, headers: {}, body: "{}" }, target(gone, 2), { sleep: () => Promise.resolve() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotifyError);
    expect(err).toMatchObject({ code: "notify_unreachable", attempts: 2 });
    expect((err as Error).message).not.toContain("secret-path");
  });
});
