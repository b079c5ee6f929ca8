import type { Command } from "commander";
import { z } from "zod";
import { ConfigError, toWireError } from "@meshfleet/shared";
import { SimFleet } from "../fleet";
import { BUILTIN_SCENARIOS, loadScenarioFile, type Scenario } from "../scenario";
import { World } from "../world";
import { AGENT_VERSION, createLogger, NatsPublisher } from "@meshfleet/agent";

const flagsSchema = z.object({
  nodes: z.coerce.number().int().positive().max(100_000).optional(),
  scenario: z.string().min(1).optional(),
  nats: z.string().min(1, "--nats is required (or MESHFLEET_NATS_URL)"),
  seed: z.coerce.number().int().nonnegative().default(1),
  interval: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  routing: z.enum(["rip", "babel"]).optional(),
  siteSize: z.coerce.number().int().positive().max(1000).optional(),
  stations: z.coerce.number().int().nonnegative().max(256).default(4),
  configRoot: z.string().min(1).optional(),
  shard: z
    .string()
    .regex(/^\d+\/\d+$/, "--shard is i/n, e.g. 1/3")
    .transform((v) => {
      const [i, n] = v.split("/").map(Number) as [number, number];
      return { index: i - 1, count: n };
    })
    .refine((s) => s.count >= 1 && s.index >= 0 && s.index < s.count, "--shard i/n needs 1 <= i <= n")
    .optional(),
  startMs: z.coerce.number().int().positive().optional(),
  logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

/**
 * `meshfleet-sim simulate --nodes N [--scenario file|demo] --nats URL [--seed S]
 * [--interval ms]`: a simulated mesh of N routers in this process, one agent each,
 * publishing over one NATS connection until SIGTERM/SIGINT.
 */
export function registerSimulateCommand(program: Command): void {
  program
    .command("simulate")
    .description("run a simulated mesh: N simulated routers, one agent each, publishing to NATS")
    .option("--nodes <n>", "number of simulated routers (default: the scenario's, else 7)")
    .option("--scenario <file|demo>", "scripted events: a JSON scenario file or the built-in `demo`")
    .option("--nats <urls>", "NATS server URL(s), comma-separated (env MESHFLEET_NATS_URL)")
    .option("--seed <n>", "world seed (same seed, same mesh)")
    .option("--interval <ms>", "collection interval per agent in ms (default 10000)")
    .option("--routing <rip|babel>", "routing protocol run by BIRD on the simulated routers")
    .option("--site-size <n>", "routers per mesh site (default: one site up to 40 routers, else 25)")
    .option("--stations <n>", "client stations per router (default 4)")
    .option("--config-root <dir>", "keep per-router UCI files here and accept config jobs")
    .option("--shard <i/n>", "host only every n-th router starting at the i-th (run n processes with the same seed to share a large fleet)")
    .option("--start-ms <ms>", "the world's start (ms since the epoch, default now); give every shard the same")
    .option("--log-level <level>", "debug | info | warn | error")
    .action(async (raw: Record<string, string | undefined>) => {
      const parsed = flagsSchema.safeParse({ ...raw, nats: raw.nats ?? process.env.MESHFLEET_NATS_URL ?? "" });
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        throw new ConfigError(`simulate: ${i?.path.join(".") || "flags"}: ${i?.message ?? "invalid"}`);
      }
      const f = parsed.data;
      let scenario: Scenario | undefined;
      if (f.scenario) scenario = BUILTIN_SCENARIOS[f.scenario] ?? loadScenarioFile(f.scenario);
      const log = createLogger({ level: f.logLevel });
      const startMs = f.startMs ?? Date.now();
      const world = new World({
        seed: scenario?.seed ?? f.seed,
        nodes: f.nodes ?? scenario?.nodes ?? 7,
        routing: f.routing ?? scenario?.routing ?? "rip",
        stationsPerNode: f.stations,
        startMs,
        ...(f.siteSize ? { siteSize: f.siteSize } : {}),
        ...(scenario ? { scenario } : {}),
        ...(f.configRoot ? { configRoot: f.configRoot } : {}),
      });
      const publisher = new NatsPublisher({ servers: f.nats.split(",").map((s) => s.trim()), name: `meshfleet-agent simulate (${world.model.nodes.length} nodes)`, log });
      const fleet = new SimFleet({ world, publisher, intervalMs: f.interval, log, agentVersion: AGENT_VERSION, jobs: f.configRoot !== undefined, ...(f.shard ? { shard: f.shard } : {}) });
      world.onEvent((e) => log.info({ event: "sim_event", sim: e }, `simulated ${e.type}`));
      log.info({ event: "simulate", nodes: world.model.nodes.length, sites: world.model.sites.length, shard: f.shard ? `${f.shard.index + 1}/${f.shard.count}` : null, scenario: scenario?.name ?? null, intervalMs: f.interval }, "simulated mesh starting");
      fleet.start();
      await new Promise<void>((resolve) => {
        const onSignal = () => {
          process.off("SIGTERM", onSignal);
          process.off("SIGINT", onSignal);
          log.info({ event: "shutdown" }, "stopping simulated agents");
          fleet
            .stop()
            .then(() => publisher.close())
            .catch((e: unknown) => log.error({ event: "shutdown_failed", err: toWireError(e) }, "shutdown failed"))
            .finally(resolve);
        };
        process.on("SIGTERM", onSignal);
        process.on("SIGINT", onSignal);
      });
    });
}
