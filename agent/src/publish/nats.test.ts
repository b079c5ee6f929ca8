import { afterEach, describe, expect, it } from "vitest";
import { connect } from "@nats-io/transport-node";
import { createTelemetryStream, freePort, startNatsServer, waitFor } from "@meshfleet/testkit";
import { subjects } from "@meshfleet/shared";
import { NatsPublisher } from "./nats";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("NatsPublisher", () => {
  it("starts while the broker is down, fails publishes at once, and connects by itself when the broker comes", async () => {
    const port = await freePort();
    const p = new NatsPublisher({ servers: [`nats://127.0.0.1:${port}`], reconnectWaitMs: 100 });
    cleanups.push(() => p.close());
    let connects = 0;
    p.onConnect(() => connects++);
    expect(p.connected).toBe(false);
    const t0 = Date.now();
    await expect(p.publish(subjects.telemetry("r1"), new Uint8Array([123, 125]))).rejects.toThrow(/not connected/);
    expect(Date.now() - t0).toBeLessThan(100);

    const srv = await startNatsServer({ port });
    cleanups.push(() => srv.dispose());
    await createTelemetryStream(srv.url);
    await waitFor(() => p.connected, { timeoutMs: 10_000, what: "the first connect" });
    expect(connects).toBe(1);
    await p.publish(subjects.telemetry("r1"), new TextEncoder().encode("{}"), { msgId: "r1:b:1" });
  });

  it("keeps subscriptions across a broker restart and reports the reconnect", async () => {
    const srv = await startNatsServer();
    cleanups.push(() => srv.dispose());
    const p = new NatsPublisher({ servers: [srv.url], reconnectWaitMs: 100 });
    cleanups.push(() => p.close());
    const got: string[] = [];
    p.subscribe(subjects.job("r1"), (d) => got.push(new TextDecoder().decode(d)));
    let connects = 0;
    p.onConnect(() => connects++);
    await waitFor(() => p.connected);
    await srv.restart();
    await waitFor(() => connects >= 2 && p.connected, { timeoutMs: 10_000, what: "the reconnect" });
    const nc = await connect({ servers: srv.url });
    cleanups.push(() => nc.close());
    nc.publish(subjects.job("r1"), "after-restart");
    await nc.flush();
    await waitFor(() => got.length === 1);
    expect(got).toEqual(["after-restart"]);
  });

  it("rejects instead of hanging when nothing stores the message, and closes promptly", async () => {
    const srv = await startNatsServer();
    cleanups.push(() => srv.dispose());
    const p = new NatsPublisher({ servers: [srv.url], publishTimeoutMs: 500 });
    await waitFor(() => p.connected);
    const t0 = Date.now();
    await expect(p.publish(subjects.telemetry("r1"), new TextEncoder().encode("{}"))).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(1500);
    const t1 = Date.now();
    await p.close();
    expect(p.connected).toBe(false);
    expect(Date.now() - t1).toBeLessThan(2500);
  });
});
