import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONTROLLER_VERSION } from "./version";
import { createProgram } from "./program";
import { parseDuration, parseListen } from "./options";
import type { ServeOptions } from "./serve-options";

describe("serve options", () => {
  it("parses durations and listen addresses, rejecting nonsense with a config error", () => {
    expect(parseDuration("48h", "x")).toBe(172_800_000);
    expect(parseDuration("30d", "x")).toBe(2_592_000_000);
    expect(parseDuration("500ms", "x")).toBe(500);
    expect(() => parseDuration("2 weeks", "--raw-retention")).toThrow(/--raw-retention: expected a duration/);
    expect(parseListen("0.0.0.0:8080")).toEqual({ host: "0.0.0.0", port: 8080 });
    expect(parseListen("[::1]:9")).toEqual({ host: "::1", port: 9 });
    expect(() => parseListen("localhost")).toThrow(/HOST:PORT/);
    expect(() => parseListen("h:70000")).toThrow(/HOST:PORT/);
  });

  it("`serve` hands validated options with defaults to the action", async () => {
    let got: ServeOptions | null = null;
    const program = createProgram({
      serve: async (o) => {
        got = o;
      },
    });
    await program.parseAsync(["node", "meshfleet-controller", "serve", "--db", "/tmp/x.sqlite", "--listen", "127.0.0.1:0", "--raw-retention", "6h"]);
    expect(got).toEqual({
      db: "/tmp/x.sqlite",
      nats: ["nats://127.0.0.1:4222"],
      listen: { host: "127.0.0.1", port: 0 },
      rawRetention: 6 * 3_600_000,
      minuteRetention: 30 * 86_400_000,
      quarterRetention: 90 * 86_400_000,
      hourRetention: 365 * 86_400_000,
      streamMaxAge: 86_400_000,
      streamMaxBytes: 1024 ** 3,
      nodeRate: 5,
      nodeBurst: 600,
      clockSkew: 120_000,
      ackWait: 30_000,
      batch: 500,
      commitWindow: 15_000,
      durableEvery: 120_000,
      logLevel: "info",
      synchronous: "NORMAL",
      streamReplicas: "auto",
      sites: [],
      leaseTtl: 10_000,
    });
  });

  it("--commit-window: 5 s unless told, half a shorter ack wait, or what is given (0: none)", async () => {
    const windowOf = async (...args: string[]) => {
      let got: ServeOptions | null = null;
      const program = createProgram({
        serve: async (o) => {
          got = o;
        },
      });
      await program.parseAsync(["node", "meshfleet-controller", "serve", "--db", "/tmp/x.sqlite", ...args]);
      return (got as ServeOptions | null)?.commitWindow;
    };
    expect(await windowOf()).toBe(15_000);
    expect(await windowOf("--commit-window", "auto", "--ack-wait", "3s")).toBe(1500);
    expect(await windowOf("--commit-window", "auto", "--ack-wait", "20s")).toBe(10_000);
    expect(await windowOf("--ack-wait", "2m")).toBe(15_000);
    expect(await windowOf("--commit-window", "10s")).toBe(10_000);
    expect(await windowOf("--commit-window", "0")).toBe(0);
  });
});

describe("--version", () => {
  it("prints the version controller/package.json gives", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(CONTROLLER_VERSION).toBe(pkg.version);
    let printed = "";
    const program = createProgram({ serve: async () => {} }).exitOverride().configureOutput({ writeOut: (s) => (printed += s) });
    await expect(program.parseAsync(["node", "meshfleet-controller", "--version"])).rejects.toMatchObject({ code: "commander.version" });
    expect(printed).toBe("0.1.0\n");
  });
});
