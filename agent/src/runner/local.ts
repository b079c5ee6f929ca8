import { readFile } from "node:fs/promises";
import type { CommandResult, CommandRunner, RunOptions } from "./types";
import { DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_TIMEOUT_MS, spawnCommand } from "./spawn";
import { CommandError, ERROR_CODES } from "@meshfleet/shared";

export interface LocalRunnerOptions {
  /** Default timeout per command (ms). */
  timeoutMs?: number;
  maxOutputBytes?: number;
  /** Extra environment (LC_ALL=C is always set last). */
  env?: Record<string, string>;
  /**
   * Answer `cat /proc/...`-style reads of one absolute path from the file system instead
   * of spawning `cat` (default true): a spawn costs the agent more CPU than everything
   * else in a cycle. Output and exit code are what `cat` gives.
   */
  readFilesDirectly?: boolean;
}

/** Runs commands on this machine: `spawn(argv[0], argv.slice(1))`, never a shell. */
export class LocalRunner implements CommandRunner {
  readonly description = "local";
  readonly #timeoutMs: number;
  readonly #maxOutputBytes: number;
  readonly #env: NodeJS.ProcessEnv;
  readonly #readFiles: boolean;

  constructor(opts: LocalRunnerOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxOutputBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    this.#env = { ...process.env, ...opts.env, LC_ALL: "C" };
    this.#readFiles = opts.readFilesDirectly ?? true;
  }

  async #cat(path: string): Promise<CommandResult> {
    try {
      const data = await readFile(path);
      if (data.length > this.#maxOutputBytes) throw new Error("too large");
      return { stdout: data.toString("utf8"), stderr: "", exitCode: 0 };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === "ENOENT") return { stdout: "", stderr: `cat: ${path}: No such file or directory\n`, exitCode: 1 };
      if (err.code === "EACCES") return { stdout: "", stderr: `cat: ${path}: Permission denied\n`, exitCode: 1 };
      // Anything unusual (a directory, a FIFO, a huge file): let the real cat handle it.
      return spawnCommand({ program: "cat", args: [path], argv: ["cat", path], timeoutMs: this.#timeoutMs, maxOutputBytes: this.#maxOutputBytes, env: this.#env });
    }
  }

  run(argv: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
    const [program, ...args] = argv;
    if (program === undefined || program === "") {
      return Promise.reject(new CommandError(ERROR_CODES.commandNotFound, "empty argv", { argv, exitCode: null, stderr: "" }));
    }
    if (this.#readFiles && program === "cat" && args.length === 1 && opts.stdin === undefined && /^\/(proc|sys)\/[A-Za-z0-9_./-]+$/.test(args[0]!) && !args[0]!.includes("..")) {
      return this.#cat(args[0]!);
    }
    return spawnCommand({
      program,
      args,
      argv,
      timeoutMs: opts.timeoutMs ?? this.#timeoutMs,
      maxOutputBytes: this.#maxOutputBytes,
      env: this.#env,
      ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
      ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
    });
  }
}
