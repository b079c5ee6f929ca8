import { LocalRunner } from "../runner/local";
import { PrefixedRunner } from "../runner/prefixed";
import { SshRunner } from "../runner/ssh";
import type { CommandRunner } from "../runner/types";
import type { AgentMode } from "../agent/types";
import type { RunnerConfig } from "./schema";

type SshConfig = Extract<RunnerConfig, { type: "ssh" }>;

function ssh(c: SshConfig, timeoutMs: number): SshRunner {
  return new SshRunner({
    host: c.host,
    timeoutMs,
    ...(c.user !== undefined ? { user: c.user } : {}),
    ...(c.port !== undefined ? { port: c.port } : {}),
    ...(c.identityFile !== undefined ? { identityFile: c.identityFile } : {}),
    ...(c.knownHostsFile !== undefined ? { knownHostsFile: c.knownHostsFile } : {}),
    ...(c.strictHostKeyChecking !== undefined ? { strictHostKeyChecking: c.strictHostKeyChecking } : {}),
    ...(c.connectTimeoutSec !== undefined ? { connectTimeoutSec: c.connectTimeoutSec } : {}),
    ...(c.controlDir !== undefined ? { controlDir: c.controlDir } : {}),
  });
}

/** The runner a validated config describes, and the mode the hello announces. */
export function buildRunner(c: RunnerConfig, timeoutMs: number): { runner: CommandRunner; mode: AgentMode } {
  switch (c.type) {
    case "local":
      return { runner: new LocalRunner({ timeoutMs }), mode: "local" };
    case "ssh":
      return { runner: ssh(c, timeoutMs), mode: "ssh" };
    case "prefixed": {
      const inner = c.inner?.type === "ssh" ? ssh(c.inner, timeoutMs) : new LocalRunner({ timeoutMs });
      return {
        runner: new PrefixedRunner(inner, {
          ...(c.prefix ? { prefix: c.prefix } : {}),
          ...(c.programs ? { programs: c.programs } : {}),
          ...(c.collectors ? { collectors: c.collectors } : {}),
        }),
        mode: "prefixed",
      };
    }
  }
}
