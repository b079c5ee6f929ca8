import type { CommandResult, CommandRunner, RunOptions } from "./types";
import { DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_TIMEOUT_MS, spawnCommand } from "./spawn";
import { CommandError, ERROR_CODES } from "@meshfleet/shared";

export interface LocalRunnerOptions {
  /** Default timeout per command (ms). */
  timeoutMs?: number;
  maxOutputBytes?: number;
  /** Extra environment (LC_ALL=C is always set last). */
  env?: Record<string, string>;
}

/** Runs commands on this machine: `spawn(argv[0], argv.slice(1))`, never a shell. */
export class LocalRunner implements CommandRunner {
  readonly description = "local";
  readonly #timeoutMs: number;
  readonly #maxOutputBytes: number;
  readonly #env: NodeJS.ProcessEnv;

  constructor(opts: LocalRunnerOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxOutputBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    this.#env = { ...process.env, ...opts.env, LC_ALL: "C" };
  }

  run(argv: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
    const [program, ...args] = argv;
    if (program === undefined || program === "") {
      return Promise.reject(new CommandError(ERROR_CODES.commandNotFound, "empty argv", { argv, exitCode: null, stderr: "" }));
    }
    return spawnCommand({
      program,
      args,
      argv,
      timeoutMs: opts.timeoutMs ?? this.#timeoutMs,
      maxOutputBytes: this.#maxOutputBytes,
      env: this.#env,
      ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
    });
  }
}
