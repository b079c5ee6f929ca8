import { afterAll, describe, expect, it } from "vitest";
import { createConnection } from "node:net";
import { readFileSync } from "node:fs";
import { startNatsServer, type RunningNatsServer } from "./nats-server";
import { waitFor } from "./wait";

function info(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ port, host: "127.0.0.1" });
    s.once("data", (b) => {
      s.destroy();
      resolve(b.toString());
    });
    s.once("error", reject);
  });
}

describe("startNatsServer", () => {
  let srv: RunningNatsServer | null = null;
  afterAll(async () => srv?.dispose());

  it("starts a JetStream server on a free port and restarts it on the same port", async () => {
    srv = await startNatsServer();
    expect(srv.url).toBe(`nats://127.0.0.1:${srv.port}`);
    const first = await info(srv.port);
    expect(first).toMatch(/^INFO /);
    expect(first).toContain('"jetstream":true');
    await srv.stop();
    await expect(info(srv.port)).rejects.toThrow();
    await srv.restart();
    expect(await info(srv.port)).toContain(`"port":${srv.port}`);
  });

  it("pauses (no answer, the port stays open), resumes, and stops while paused", async () => {
    const s = await startNatsServer({ jetstream: false });
    try {
      const pid = s.pid!;
      const state = () => /^\d+ \(.*\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1];
      s.pause();
      // The kernel has stopped the process (the event, instead of waiting to see that
      // nothing answers): a connection is accepted by the kernel, INFO comes after resume.
      await waitFor(() => state() === "T", { what: "the paused server in state T" });
      const late = info(s.port);
      s.resume();
      expect(await late).toMatch(/^INFO /);
      s.pause();
      await waitFor(() => state() === "T", { what: "the server paused again" });
      await s.stop();
      expect(s.pid).toBeNull();
      expect(() => s.resume()).toThrow(/not running/);
    } finally {
      await s.dispose();
    }
  });
});

describe("createTelemetryStream", () => {
  it("creates the telemetry stream once and is idempotent", async () => {
    const { createTelemetryStream } = await import("./stream");
    const { connect } = await import("@nats-io/transport-node");
    const { jetstreamManager } = await import("@nats-io/jetstream");
    const srv = await startNatsServer();
    try {
      await createTelemetryStream(srv.url);
      await createTelemetryStream(srv.url);
      const nc = await connect({ servers: srv.url });
      const info = await (await jetstreamManager(nc)).streams.info("MESHFLEET_TELEMETRY");
      expect(info.config.subjects).toEqual(["mf.tel.*", "mf.hello.*", "mf.jobstatus.*"]);
      await nc.close();
    } finally {
      await srv.dispose();
    }
  });
});
