import type { Command } from "commander";
import { Agent } from "../agent/agent";
import { buildRunner } from "../config/runner";
import { loadConfig, type ConfigFlags } from "../config/load";
import { createLogger } from "../log/logger";
import { addConfigOptions } from "./options";
import { AGENT_VERSION } from "./version";

interface CollectFlags extends ConfigFlags {
  once?: boolean;
  pretty?: boolean;
}

/** `meshfleet-agent collect --once`: one snapshot as JSON on stdout, no NATS (troubleshooting on a router). */
export function registerCollectCommand(program: Command, io: { stdout: (s: string) => void } = { stdout: (s) => process.stdout.write(s) }): void {
  addConfigOptions(
    program
      .command("collect")
      .description("collect one snapshot and print it as JSON (no NATS)")
      .option("--once", "collect once and exit (the only mode)", true)
      .option("--pretty", "indent the JSON"),
  ).action(async (flags: CollectFlags) => {
    const { config } = loadConfig(flags);
    const log = createLogger({ level: config.logLevel });
    const { runner, mode } = buildRunner(config.runner, config.commandTimeoutMs);
    const agent = new Agent({
      nodeId: config.nodeId,
      runner,
      log,
      intervalMs: config.intervalMs,
      bufferSize: config.bufferSize,
      mode,
      routing: config.routing,
      tags: config.tags,
      agentVersion: AGENT_VERSION,
      commandTimeoutMs: config.commandTimeoutMs,
      ...(config.babeldDumpArgv ? { babeldDumpArgv: config.babeldDumpArgv } : {}),
    });
    // Not validated here: the snapshot is built by the agent itself (its tests check it
    // against the wire schema), and the router bundle carries no snapshot schema.
    const snap = await agent.collectOnce();
    io.stdout(`${JSON.stringify(snap, null, flags.pretty ? 2 : undefined)}\n`);
  });
}
