import { spawn } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import type { Readable } from "node:stream";
import { CommandError, ERROR_CODES } from "@meshfleet/shared";
import type { CommandResult } from "./types";

export const DEFAULT_TIMEOUT_MS = 5000;
/** Largest stdout+stderr a command may print before it is killed (a station dump of 4,000 peers is ~2 MB). */
export const DEFAULT_MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

export interface SpawnSpec {
  /** What actually runs (program and its arguments, no shell). */
  program: string;
  args: readonly string[];
  /** What the caller asked for; carried in errors (for ssh it differs from program/args). */
  argv: readonly string[];
  timeoutMs: number;
  maxOutputBytes: number;
  stdin?: string;
  env: NodeJS.ProcessEnv;
  /** Maps a finished process to a not-found error (ssh: the remote shell's exit 127). */
  notFound?: (exitCode: number, stderr: string) => boolean;
  /** Called with stdout text as it arrives (decoded across chunk boundaries). */
  onOutput?: (text: string) => void;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    // A negative pid signals the whole process group (the child was spawned detached).
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * Runs one program with argv (never a shell), a timeout that kills its whole process
 * group, and a cap on the output it may print. Resolves with any exit code; rejects
 * with a CommandError for not-found, timeout, output too large or a spawn failure.
 */
export function spawnCommand(spec: SpawnSpec): Promise<CommandResult> {
  return new Promise<CommandResult>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let settled = false;
    let failure: CommandError | null = null;
    const stderrText = () => Buffer.concat(err).toString("utf8").slice(-4000);
    const fail = (e: CommandError) => {
      if (failure === null) failure = e;
    };

    const child = spawn(spec.program, [...spec.args], {
      env: spec.env,
      // No stdin pipe unless there is input: each pipe costs the agent CPU per spawn.
      stdio: [spec.stdin !== undefined ? "pipe" : "ignore", "pipe", "pipe"],
      detached: true,
      windowsHide: true,
    });
    const stdout = child.stdout as Readable;
    const stderr = child.stderr as Readable;

    const timer = setTimeout(() => {
      fail(
        new CommandError(ERROR_CODES.commandTimeout, `${spec.argv[0] ?? "command"} ran past ${spec.timeoutMs} ms`, {
          argv: spec.argv,
          exitCode: null,
          stderr: stderrText(),
        }),
      );
      killGroup(child.pid);
      // A grandchild that left the group may hold the pipes open: do not wait for it.
      setTimeout(() => {
        if (settled || failure === null) return;
        settled = true;
        stdout.destroy();
        stderr.destroy();
        reject(failure);
      }, 1000).unref();
    }, spec.timeoutMs);

    const onData = (bucket: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > spec.maxOutputBytes) {
        fail(
          new CommandError(ERROR_CODES.commandFailed, `${spec.argv[0] ?? "command"} printed more than ${spec.maxOutputBytes} bytes`, {
            argv: spec.argv,
            exitCode: null,
            stderr: stderrText(),
          }),
        );
        killGroup(child.pid);
        return;
      }
      bucket.push(chunk);
    };
    stdout.on("data", onData(out));
    if (spec.onOutput) {
      const dec = new StringDecoder("utf8");
      const emit = spec.onOutput;
      stdout.on("data", (chunk: Buffer) => {
        const t = dec.write(chunk);
        if (t !== "" && failure === null) emit(t);
      });
      stdout.once("end", () => {
        const t = dec.end();
        if (t !== "" && failure === null) emit(t);
      });
    }
    stderr.on("data", onData(err));
    if (child.stdin) {
      child.stdin.on("error", () => {
        // EPIPE when the program exits without reading stdin: not an error of the command.
      });
      child.stdin.end(spec.stdin);
    }

    child.once("error", (e: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const code = e.code === "ENOENT" ? ERROR_CODES.commandNotFound : ERROR_CODES.commandFailed;
      const what = e.code === "ENOENT" ? "not found" : `could not start (${e.code ?? e.message})`;
      reject(new CommandError(code, `${spec.argv[0] ?? "command"}: ${what}`, { argv: spec.argv, exitCode: null, stderr: "", cause: e }));
    });

    child.once("close", (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (failure) {
        reject(failure);
        return;
      }
      const stderr = Buffer.concat(err).toString("utf8");
      const exitCode = code ?? (signal ? 128 : 1);
      if (spec.notFound?.(exitCode, stderr)) {
        reject(
          new CommandError(ERROR_CODES.commandNotFound, `${spec.argv[0] ?? "command"}: not found`, {
            argv: spec.argv,
            exitCode,
            stderr: stderr.slice(-4000),
          }),
        );
        return;
      }
      resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr, exitCode });
    });
  });
}
