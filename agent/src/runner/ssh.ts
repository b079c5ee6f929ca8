import type { CommandResult, CommandRunner, RunOptions } from "./types";
import { DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_TIMEOUT_MS, spawnCommand } from "./spawn";
import { remoteCommandLine } from "./quote";
import { CommandError, ERROR_CODES } from "@meshfleet/shared";

export interface SshRunnerOptions {
  host: string;
  user?: string;
  port?: number;
  /** Private key file (`-i`). */
  identityFile?: string;
  /** `ConnectTimeout` in seconds (default 5). */
  connectTimeoutSec?: number;
  /** `StrictHostKeyChecking` (default `accept-new`: learn a router's key once, then insist on it). */
  strictHostKeyChecking?: "yes" | "no" | "accept-new";
  knownHostsFile?: string;
  /**
   * Reuse one SSH connection for all commands of a cycle (`ControlMaster=auto`,
   * `ControlPersist`): a directory for the control socket.
   */
  controlDir?: string;
  /** Path of the ssh client (default `ssh`). */
  sshProgram?: string;
  timeoutMs?: number;
  maxOutputBytes?: number;
}

/**
 * Agentless mode: runs each argv on a router over `ssh root@router -- <quoted argv>`.
 * The remote side is a shell, so every argv element is single-quoted; `exec` replaces
 * the shell so the exit code is the program's. The remote shell's exit 127 (program
 * not found) maps to E_COMMAND_NOT_FOUND; ssh's own failures (255) to E_COMMAND_FAILED.
 */
export class SshRunner implements CommandRunner {
  readonly description: string;
  readonly #opts: SshRunnerOptions;
  readonly #timeoutMs: number;
  readonly #maxOutputBytes: number;

  constructor(opts: SshRunnerOptions) {
    if (!/^[A-Za-z0-9._:%[\]-]+$/.test(opts.host) || opts.host.startsWith("-")) throw new Error(`invalid ssh host: ${JSON.stringify(opts.host)}`);
    if (opts.user !== undefined && !/^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(opts.user)) throw new Error(`invalid ssh user: ${JSON.stringify(opts.user)}`);
    this.#opts = opts;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxOutputBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    this.description = `ssh ${this.#target()}${opts.port ? `:${opts.port}` : ""}`;
  }

  #target(): string {
    return `${this.#opts.user ?? "root"}@${this.#opts.host}`;
  }

  /** The ssh client's argv for one remote command (exported for tests). */
  sshArgv(argv: readonly string[]): string[] {
    const o = this.#opts;
    const a = [o.sshProgram ?? "ssh", "-T", "-o", "BatchMode=yes", "-o", `ConnectTimeout=${o.connectTimeoutSec ?? 5}`];
    a.push("-o", `StrictHostKeyChecking=${o.strictHostKeyChecking ?? "accept-new"}`, "-o", "LogLevel=ERROR");
    if (o.knownHostsFile) a.push("-o", `UserKnownHostsFile=${o.knownHostsFile}`);
    if (o.controlDir) a.push("-o", "ControlMaster=auto", "-o", `ControlPath=${o.controlDir}/%C`, "-o", "ControlPersist=60");
    if (o.identityFile) a.push("-i", o.identityFile);
    if (o.port) a.push("-p", String(o.port));
    a.push(this.#target(), "--", remoteCommandLine(argv));
    return a;
  }

  /** Ends the shared connection (`ssh -O exit`) when one is kept (controlDir). */
  async close(): Promise<void> {
    const o = this.#opts;
    if (!o.controlDir) return;
    const args = ["-o", `ControlPath=${o.controlDir}/%C`, ...(o.port ? ["-p", String(o.port)] : []), "-O", "exit", this.#target()];
    try {
      await spawnCommand({ program: o.sshProgram ?? "ssh", args, argv: ["ssh", "-O", "exit"], timeoutMs: 5000, maxOutputBytes: 65536, env: { ...process.env, LC_ALL: "C" } });
    } catch {
      // no master running: nothing to close
    }
  }

  run(argv: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
    if (argv.length === 0 || argv[0] === "") {
      return Promise.reject(new CommandError(ERROR_CODES.commandNotFound, "empty argv", { argv, exitCode: null, stderr: "" }));
    }
    let full: string[];
    try {
      full = this.sshArgv(argv);
    } catch (e) {
      return Promise.reject(new CommandError(ERROR_CODES.commandFailed, (e as Error).message, { argv, exitCode: null, stderr: "", cause: e }));
    }
    const [program, ...args] = full as [string, ...string[]];
    return spawnCommand({
      program,
      args,
      argv,
      timeoutMs: opts.timeoutMs ?? this.#timeoutMs,
      maxOutputBytes: this.#maxOutputBytes,
      env: { ...process.env, LC_ALL: "C" },
      ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
      ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
      notFound: (code) => code === 127,
    }).then((r) => {
      if (r.exitCode === 255) {
        throw new CommandError(ERROR_CODES.commandFailed, `ssh to ${this.#target()} failed: ${r.stderr.trim().slice(0, 300)}`, {
          argv,
          exitCode: r.exitCode,
          stderr: r.stderr,
        });
      }
      return r;
    });
  }
}
