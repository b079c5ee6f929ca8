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
    // No broker exists yet (it starts below): a publish that waited for a connection would
    // never settle, so settling here at all is the "at once".
    await expect(p.publish(subjects.telemetry("r1"), new Uint8Array([123, 125]))).rejects.toThrow(/not connected/);

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
    // No stream holds mf.tel.r1: the server answers "no responders", which nats.js reports
    // as "jetstream is not enabled"; the promise settles with that error instead of
    // hanging (the test's own timeout is the bound, not a wall-clock assertion).
    const err = await p.publish(subjects.telemetry("r1"), new TextEncoder().encode("{}")).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toBe("jetstream is not enabled");
    await p.close();
    expect(p.connected).toBe(false);
  });
});
