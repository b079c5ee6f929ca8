import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION, type Alert } from "@meshfleet/shared";
import { backoffMs, WebhookAlertSink } from "./webhook-sink";

const alert = (severity: Alert["severity"]): Alert => ({
  type: "alert",
  v: PROTOCOL_VERSION,
  id: "7",
  code: "node_offline",
  subject: "node:r3",
  node: "r3",
  severity,
  state: "open",
  openedAt: 1000,
  resolvedAt: null,
  summary: "r3 is offline",
  evidence: { eventIds: [42], scores: [] },
});

describe("WebhookAlertSink (real local HTTP server)", () => {
  let server: Server;
  let url: string;
  const bodies: unknown[] = [];
  let statuses: number[] = [];

  beforeEach(async () => {
    bodies.length = 0;
    server = createServer((req, res) => {
      let b = "";
      req.on("data", (c: Buffer) => (b += c.toString()));
      req.on("end", () => {
        bodies.push({ method: req.method, type: req.headers["content-type"], token: req.headers["x-token"], body: JSON.parse(b) as unknown });
        res.statusCode = statuses.shift() ?? 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterEach(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("POSTs the alert as JSON and retries 5xx/429 with exponential backoff", async () => {
    statuses = [503, 429, 200];
    const sleeps: number[] = [];
    const sink = new WebhookAlertSink({ url, headers: { "x-token": "t0k" }, retry: { critical: { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000 } } }, (ms) => Promise.resolve(void sleeps.push(ms)));
    await sink.deliver(alert("critical"));
    expect(bodies).toHaveLength(3);
    expect(bodies[2]).toEqual({ method: "POST", type: "application/json", token: "t0k", body: alert("critical") });
    expect(sleeps).toEqual([100, 200]);
  });

  it("gives up after the severity's attempts, does not retry other 4xx, and skips alerts below minSeverity", async () => {
    statuses = [500, 500, 500, 500];
    const sleeps: number[] = [];
    const sink = new WebhookAlertSink({ url, minSeverity: "warning", retry: { warning: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 } } }, (ms) => Promise.resolve(void sleeps.push(ms)));
    await expect(sink.deliver(alert("warning"))).rejects.toThrow("webhook failed after 2 attempts: HTTP 500");
    expect(bodies).toHaveLength(2);
    await sink.deliver(alert("info"));
    expect(bodies).toHaveLength(2);
    statuses = [400];
    await expect(sink.deliver(alert("critical"))).rejects.toThrow("webhook refused the alert: HTTP 400");
    expect(bodies).toHaveLength(3);
  });

  it("retries when the server is unreachable, sleeping the backoff between attempts", async () => {
    await new Promise<void>((r) => server.close(() => r()));
    // Real timers, observed instead of timed: each backoff is slept in full before the next attempt.
    const slept: number[] = [];
    const sleep = (ms: number) => new Promise<void>((r) => setTimeout(() => r(void slept.push(ms)), ms));
    const sink = new WebhookAlertSink({ url, retry: { info: { attempts: 3, baseDelayMs: 20, maxDelayMs: 40 } } }, sleep);
    await expect(sink.deliver(alert("info"))).rejects.toThrow(/after 3 attempts/);
    expect(slept).toEqual([20, 40]);
    server = createServer();
    server.listen(0);
  });

  it("computes capped exponential delays and rejects a bad configuration", () => {
    const p = { attempts: 8, baseDelayMs: 1000, maxDelayMs: 5000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(p, n))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(() => new WebhookAlertSink({ url: "ftp://x" })).toThrow(/invalid webhook configuration/);
  });
});
