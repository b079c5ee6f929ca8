import type { Command } from "commander";
import { toWireError } from "@meshfleet/shared";
import { loadConfig, type ConfigFlags } from "../config/load";
import { createLogger } from "../log/logger";
import { buildAgents } from "./build-agents";
import { addConfigOptions } from "./options";

/**
 * `meshfleet-agent run`: collect every interval and publish over NATS until SIGTERM or
 * SIGINT, then finish the cycle, drain what it can, close the connections and exit 0.
 */
export function registerRunCommand(program: Command): void {
  addConfigOptions(program.command("run").description("collect every interval and publish to NATS")).action(async (flags: ConfigFlags) => {
    const { config, password } = loadConfig(flags);
    const log = createLogger({ level: config.logLevel });
    const { agents, publishers, runners } = buildAgents(config, password, log);
    log.info(
      {
        event: "config",
        nodes: agents.map((a) => a.nodeId),
        servers: config.nats?.servers,
        intervalMs: config.intervalMs,
        bufferSize: config.bufferSize,
        auth: config.nats?.credsFile ? "creds" : config.nats?.user ? "user" : "none",
      },
      "starting",
    );
    for (const a of agents) a.start();
    await new Promise<void>((resolve) => {
      let stopping = false;
      const onSignal = (sig: NodeJS.Signals) => {
        if (stopping) {
          log.warn({ event: "forced_exit", signal: sig }, "second signal: exiting now");
          process.exit(130);
        }
        stopping = true;
        log.info({ event: "shutdown", signal: sig }, "shutting down");
        const force = setTimeout(() => {
          log.error({ event: "shutdown_timeout" }, "shutdown took too long; exiting");
          process.exit(1);
        }, 15_000);
        force.unref();
        Promise.all(agents.map((a) => a.stop()))
          .then(() => Promise.all([...publishers.map((p) => p.close()), ...runners.map((r) => r.close?.())]))
          .catch((e: unknown) => log.error({ event: "shutdown_failed", err: toWireError(e) }, "shutdown failed"))
          .finally(() => {
            process.off("SIGTERM", onSignal);
            process.off("SIGINT", onSignal);
            resolve();
          });
      };
      process.on("SIGTERM", onSignal);
      process.on("SIGINT", onSignal);
    });
  });
}
