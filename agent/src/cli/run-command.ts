import type { Command } from "commander";
import { ConfigError, toWireError } from "@meshfleet/shared";
import { Agent } from "../agent/agent";
import { buildRunner } from "../config/runner";
import { loadConfig, type ConfigFlags } from "../config/load";
import { createLogger } from "../log/logger";
import { NatsPublisher } from "../publish/nats";
import { createRouterJobHandler } from "../jobs/router";
import { addConfigOptions } from "./options";
import { AGENT_VERSION } from "./version";

/**
 * `meshfleet-agent run`: collect every interval and publish over NATS until SIGTERM or
 * SIGINT, then finish the cycle, drain what it can, close the connection and exit 0.
 */
export function registerRunCommand(program: Command): void {
  addConfigOptions(program.command("run").description("collect every interval and publish to NATS")).action(async (flags: ConfigFlags) => {
    const { config, password } = loadConfig(flags);
    if (!config.nats) throw new ConfigError("config: nats.servers: required for `run` (--nats or MESHFLEET_NATS_URL)");
    const log = createLogger({ level: config.logLevel });
    const { runner, mode } = buildRunner(config.runner, config.commandTimeoutMs);
    const publisher = new NatsPublisher({
      servers: config.nats.servers,
      name: `meshfleet-agent ${config.nodeId}`,
      publishTimeoutMs: config.publishTimeoutMs,
      log,
      ...(config.nats.credsFile ? { credsFile: config.nats.credsFile } : {}),
      ...(config.nats.user !== undefined ? { user: config.nats.user, password: password ?? "" } : {}),
      ...(config.nats.tls ? { tls: config.nats.tls } : {}),
    });
    const agent = new Agent({
      nodeId: config.nodeId,
      runner,
      log,
      publisher,
      intervalMs: config.intervalMs,
      bufferSize: config.bufferSize,
      mode,
      routing: config.routing,
      tags: config.tags,
      agentVersion: AGENT_VERSION,
      commandTimeoutMs: config.commandTimeoutMs,
      publishTimeoutMs: config.publishTimeoutMs,
      ...(config.babeldDumpArgv ? { babeldDumpArgv: config.babeldDumpArgv } : {}),
      jobHandler: createRouterJobHandler({ runner, publisher, log, commandTimeoutMs: config.commandTimeoutMs, statePath: mode === "local" ? "/etc/meshfleet/jobs.json" : `/var/lib/meshfleet/jobs-${config.nodeId}.json` }),
    });
    log.info(
      { event: "config", node: config.nodeId, servers: config.nats.servers, runner: runner.description, intervalMs: config.intervalMs, bufferSize: config.bufferSize, auth: config.nats.credsFile ? "creds" : config.nats.user ? "user" : "none" },
      "starting",
    );
    agent.start();
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
        agent
          .stop()
          .then(() => publisher.close())
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
