import { afterEach, describe, expect, it } from "vitest";
import { createTelemetryStream, startNatsServer, waitFor } from "@meshfleet/testkit";
import { agentConfig } from "../config/schema";
import { memoryLog } from "../log/types";
import { readTelemetryStream, hellosOf, snapshotsOf } from "../../testing/agent-test-support";
import { buildAgents, type BuiltAgents } from "./build-agents";

let built: BuiltAgents | null = null;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  if (built) {
    await Promise.all(built.agents.map((a) => a.stop()));
    await Promise.all(built.publishers.map((p) => p.close()));
    built = null;
  }
  for (const c of cleanups.splice(0)) await c();
});

describe("buildAgents (one process, several routers)", () => {
  it("runs one agent per node entry over one shared connection, each with its own identity", async () => {
    const srv = await startNatsServer();
    cleanups.push(() => srv.dispose());
    await createTelemetryStream(srv.url);
    const config = agentConfig.parse({
      nodeId: "companion",
      nats: { servers: [srv.url] },
      intervalMs: 200,
      routing: "none",
      nodes: [
        { nodeId: "attic", runner: { type: "local" }, tags: ["home"] },
        { nodeId: "cellar", runner: { type: "prefixed", prefix: ["env", "MF_NODE=cellar"] } },
      ],
    });
    built = buildAgents(config, undefined, memoryLog());
    expect(built.agents.map((a) => a.nodeId)).toEqual(["attic", "cellar"]);
    expect(built.publishers).toHaveLength(1);
    for (const a of built.agents) a.start();
    const msgs = await waitFor(async () => {
      const m = await readTelemetryStream(srv.url);
      return new Set(snapshotsOf(m).map((s) => s.node)).size === 2 ? m : null;
    });
    const hellos = hellosOf(msgs);
    expect(hellos.map((h) => [h.node, h.mode, h.tags]).sort()).toEqual([
      ["attic", "local", ["home"]],
      ["cellar", "prefixed", []],
    ]);
    expect(new Set(hellos.map((h) => h.boot)).size).toBe(2);
  });

  it("gives a node with its own credentials its own connection, and refuses duplicate node ids", () => {
    const config = agentConfig.parse({
      nodeId: "companion",
      nats: { servers: ["nats://127.0.0.1:9"] },
      nodes: [
        { nodeId: "r1", runner: { type: "ssh", host: "10.0.0.1" } },
        { nodeId: "r2", runner: { type: "ssh", host: "10.0.0.2" }, credsFile: "/etc/meshfleet/r2.creds" },
        { nodeId: "r3", runner: { type: "ssh", host: "10.0.0.3" } },
      ],
    });
    expect(() => buildAgents(config, undefined, memoryLog())).toThrow(/r2\.creds/);
    const dup = agentConfig.safeParse({ nodeId: "c", nodes: [{ nodeId: "r1", runner: { type: "local" } }, { nodeId: "r1", runner: { type: "local" } }] });
    expect(dup.success).toBe(false);
    expect(dup.error?.issues[0]?.message).toBe("node ids must be unique");
  });
});
