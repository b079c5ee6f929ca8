import { ConfigError } from "@meshfleet/shared";
import { Agent } from "../agent/agent";
import type { AgentConfig } from "../config/schema";
import { buildRunner } from "../config/runner";
import type { Log } from "../log/types";
import { join } from "node:path";
import { createRouterJobHandler } from "../jobs/router";
import { NatsPublisher } from "../publish/nats";
import type { CommandRunner } from "../runner/types";
import { AGENT_VERSION } from "./version";

export interface BuiltAgents {
  agents: Agent[];
  publishers: NatsPublisher[];
  /** Runners to close at shutdown (ssh control masters). */
  runners: CommandRunner[];
}

/**
 * The agents a validated config describes, with their NATS connections: one agent for
 * `nodeId`, or one per `nodes` entry (agentless companion host). Entries without their
 * own credentials share one connection. Each agent applies configuration jobs (uci through
 * its runner) unless `jobs.enabled` is false.
 */
export function buildAgents(config: AgentConfig, password: string | undefined, log: Log): BuiltAgents {
  const nats = config.nats;
  if (!nats) throw new ConfigError("config: nats.servers: required for `run` (--nats or MESHFLEET_NATS_URL)");
  const publishers: NatsPublisher[] = [];
  const runners: CommandRunner[] = [];
  const connect = (name: string, credsFile: string | undefined): NatsPublisher => {
    const p = new NatsPublisher({
      servers: nats.servers,
      name: `meshfleet-agent ${name}`,
      publishTimeoutMs: config.publishTimeoutMs,
      log,
      ...(credsFile ? { credsFile } : {}),
      ...(!credsFile && nats.nkeySeedFile ? { nkeySeedFile: nats.nkeySeedFile, inboxPrefix: `_INBOX_${name}` } : {}),
      ...(!credsFile && nats.user !== undefined ? { user: nats.user, password: password ?? "" } : {}),
      ...(nats.tls ? { tls: nats.tls } : {}),
    });
    publishers.push(p);
    return p;
  };
  let shared: NatsPublisher | null = null;
  const sharedPublisher = () => (shared ??= connect(config.nodeId, nats.credsFile));

  const entries = config.nodes ?? [{ nodeId: config.nodeId, runner: config.runner, routing: config.routing, tags: config.tags, credsFile: undefined }];
  try {
    return { agents: entries.map((e) => build(e)), publishers, runners };
  } catch (e) {
    // A bad entry (unreadable credentials): close what was already opened.
    for (const p of publishers) void p.close();
    throw e;
  }

  function build(e: (typeof entries)[number]): Agent {
    const { runner, mode } = buildRunner(e.runner, config.commandTimeoutMs);
    runners.push(runner);
    const publisher = e.credsFile ? connect(e.nodeId, e.credsFile) : sharedPublisher();
    const statePath = join(config.jobs.stateDir, config.nodes ? `jobs-${e.nodeId}.json` : "jobs.json");
    return new Agent({
      nodeId: e.nodeId,
      runner,
      log,
      publisher,
      ...(config.jobs.enabled ? { jobHandler: createRouterJobHandler({ runner, publisher, log, statePath, commandTimeoutMs: config.commandTimeoutMs }) } : {}),
      intervalMs: config.intervalMs,
      bufferSize: config.bufferSize,
      wire: config.wire,
      mode,
      routing: e.routing ?? config.routing,
      tags: e.tags ?? config.tags,
      agentVersion: AGENT_VERSION,
      commandTimeoutMs: config.commandTimeoutMs,
      publishTimeoutMs: config.publishTimeoutMs,
      diagnostics: true,
      ...(config.babeldDumpArgv ? { babeldDumpArgv: config.babeldDumpArgv } : {}),
    });
  }
}
