import { z } from "zod";
import { readFileSync } from "node:fs";
import { ConfigError } from "@meshfleet/shared";

/**
 * Scripted events for the simulated mesh, as JSON (validated here) or built in code.
 * `atMs` counts from the world's start. Nodes are named by id; a station by its MAC or
 * as `<node id>/<k>` (the k-th station that started near that node); a route prefix
 * literally (`::/0`, `fd12::/64`) or by a node id (that node's LAN /64).
 */
const at = z.number().int().nonnegative();
const nodeRef = z.string().min(1).max(63);

export const simEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("degradeLink"), atMs: at, a: nodeRef, b: nodeRef, toSignal: z.number().min(-110).max(-20), overMs: z.number().int().nonnegative() }),
  z.object({ type: z.literal("cutLink"), atMs: at, a: nodeRef, b: nodeRef }),
  z.object({ type: z.literal("restoreLink"), atMs: at, a: nodeRef, b: nodeRef }),
  z.object({ type: z.literal("rebootNode"), atMs: at, node: nodeRef, downMs: z.number().int().positive() }),
  z.object({ type: z.literal("roamStation"), atMs: at, station: z.string().min(1).max(80), toNode: nodeRef }),
  z.object({
    type: z.literal("flapRoute"),
    atMs: at,
    node: nodeRef,
    prefix: z.string().min(1).max(64),
    periodMs: z.number().int().positive(),
    count: z.number().int().positive().max(10_000),
  }),
  z.object({ type: z.literal("setChannel"), atMs: at, node: nodeRef, channel: z.number().int().min(1).max(196) }),
  /** Non-Wi-Fi energy near a node for `overMs`: its channels get busier (`busyPct` of the time) and its noise floor rises. */
  z.object({ type: z.literal("interference"), atMs: at, node: nodeRef, busyPct: z.number().min(0).max(100), noiseDb: z.number().min(0).max(60), overMs: z.number().int().positive() }),
]);
export type SimEvent = z.infer<typeof simEvent>;

export const scenarioSchema = z.object({
  name: z.string().min(1).max(64),
  description: z.string().max(1000).optional(),
  /** World settings the scenario was written for (the CLI's flags win). */
  nodes: z.number().int().positive().max(100_000).optional(),
  routing: z.enum(["rip", "babel"]).optional(),
  seed: z.number().int().nonnegative().optional(),
  events: z.array(simEvent).max(100_000),
});
export type Scenario = z.infer<typeof scenarioSchema>;

/** Validates a scenario object; problems name their path. */
export function parseScenario(data: unknown): Scenario {
  const r = scenarioSchema.safeParse(data);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const where = first ? first.path.join(".") || "(root)" : "(root)";
  throw new ConfigError(`invalid scenario at ${where}: ${first?.message ?? "invalid"}`);
}

/** Reads a scenario file (JSON). */
export function loadScenarioFile(path: string): Scenario {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new ConfigError(`cannot read scenario ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return parseScenario(data);
}

/**
 * The built-in demo (7 nodes, Babel) — everything a dashboard should show within three
 * minutes: node-1 <-> node-2 degrades so their mesh path goes through relays (node-4, node-5) and comes
 * back direct when the link recovers; node-4's default route changes next hop every 12 s
 * for 60 s (6 changes, each phase longer than the default 10 s interval so every change
 * is seen: a flapping alert that later resolves); stations roam; node-5 reboots for 40 s.
 */
export const DEMO_SCENARIO: Scenario = {
  name: "demo",
  description: "Link degrade -> relayed path -> recovery, default-route flapping for ~60 s, roaming stations, one reboot.",
  nodes: 7,
  routing: "babel",
  events: [
    { type: "degradeLink", atMs: 20_000, a: "node-1", b: "node-2", toSignal: -87.5, overMs: 15_000 },
    { type: "flapRoute", atMs: 30_000, node: "node-4", prefix: "::/0", periodMs: 12_000, count: 5 },
    { type: "roamStation", atMs: 45_000, station: "node-3/0", toNode: "node-6" },
    { type: "restoreLink", atMs: 80_000, a: "node-1", b: "node-2" },
    { type: "roamStation", atMs: 100_000, station: "node-6/1", toNode: "node-1" },
    { type: "rebootNode", atMs: 120_000, node: "node-5", downMs: 40_000 },
    { type: "roamStation", atMs: 150_000, station: "node-3/0", toNode: "node-3" },
  ],
};

export const BUILTIN_SCENARIOS: Record<string, Scenario> = { demo: DEMO_SCENARIO };
