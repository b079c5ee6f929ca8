import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { Command } from "commander";
import { tempDir } from "@meshfleet/testkit";
import { loadScenarioFile } from "../scenario";
import { registerSimulateCommand } from "./simulate-command";

describe("meshfleet-sim simulate", () => {
  const saved = process.env.MESHFLEET_NATS_URL;
  const dir = tempDir("mf-sim-cli-");
  beforeEach(() => {
    delete process.env.MESHFLEET_NATS_URL;
  });
  afterAll(() => dir.cleanup());
  afterEach(() => {
    if (saved === undefined) delete process.env.MESHFLEET_NATS_URL;
    else process.env.MESHFLEET_NATS_URL = saved;
  });

  function program(): Command {
    const p = new Command("meshfleet-sim").exitOverride();
    registerSimulateCommand(p);
    return p;
  }

  it("needs a NATS URL and names the flag", async () => {
    await expect(program().parseAsync(["node", "meshfleet-sim", "simulate", "--nodes", "3"])).rejects.toMatchObject({ code: "E_CONFIG", message: expect.stringContaining("--nats") });
  });

  it("rejects a bad node count before starting anything", async () => {
    await expect(program().parseAsync(["node", "meshfleet-sim", "simulate", "--nodes", "0", "--nats", "nats://127.0.0.1:1"])).rejects.toMatchObject({ code: "E_CONFIG", message: expect.stringContaining("nodes") });
  });

  it("checks --shard", async () => {
    await expect(program().parseAsync(["node", "meshfleet-sim", "simulate", "--shard", "0/2", "--nats", "nats://127.0.0.1:1"])).rejects.toMatchObject({ code: "E_CONFIG", message: expect.stringContaining("shard") });
    await expect(program().parseAsync(["node", "meshfleet-sim", "simulate", "--shard", "three", "--nats", "nats://127.0.0.1:1"])).rejects.toMatchObject({ code: "E_CONFIG", message: expect.stringContaining("i/n") });
  });

  it("reads scenario files with zod and names the bad field", async () => {
    const good = join(dir.path, "good.json");
    writeFileSync(good, JSON.stringify({ name: "cut", nodes: 5, events: [{ type: "cutLink", atMs: 1000, a: "node-1", b: "node-2" }] }));
    expect(loadScenarioFile(good)).toMatchObject({ name: "cut", nodes: 5, events: [{ type: "cutLink" }] });
    const bad = join(dir.path, "bad.json");
    writeFileSync(bad, JSON.stringify({ name: "bad", events: [{ type: "flapRoute", atMs: 0, node: "node-1", prefix: "::/0", periodMs: 0, count: 3 }] }));
    await expect(program().parseAsync(["node", "meshfleet-sim", "simulate", "--scenario", bad, "--nats", "nats://127.0.0.1:1"])).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringContaining("events.0.periodMs"),
    });
    await expect(program().parseAsync(["node", "meshfleet-sim", "simulate", "--scenario", join(dir.path, "missing.json"), "--nats", "nats://127.0.0.1:1"])).rejects.toMatchObject({
      code: "E_CONFIG",
    });
  });
});
