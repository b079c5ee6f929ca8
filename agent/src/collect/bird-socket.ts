import { existsSync } from "node:fs";
import { createConnection } from "node:net";
import { CommandError, ERROR_CODES } from "@meshfleet/shared";
import type { CommandResult, CommandRunner, RunOptions } from "../runner/types";

/** Where BIRD 2 puts its control socket (Debian/systemd, older distributions, OpenWrt). */
export const BIRD_SOCKET_PATHS = ["/run/bird/bird.ctl", "/var/run/bird/bird.ctl", "/var/run/bird.ctl"] as const;
/** A reply larger than this is cut off (a full table dump on a big router is a few MB). */
const MAX_REPLY = 32 * 1024 * 1024;

/** The first control socket that exists, or null. */
export function findBirdSocket(paths: readonly string[] = BIRD_SOCKET_PATHS): string | null {
  return paths.find((p) => existsSync(p)) ?? null;
}

/**
 * Asks BIRD one CLI command over its control socket and returns what `birdc -v` would
 * print for it: reply lines with their 4-digit codes (`1002-...`, `0000` left out like
 * birdc does), continuations (` text`) as five spaces, the greeting skipped. The BIRD
 * parsers read exactly that; `code` is the reply's final code (8000 and up: an error,
 * which birdc answers with exit status 1). Rejects on a connection error or after `timeoutMs`.
 */
export function queryBirdSocket(path: string, command: string, timeoutMs: number): Promise<{ text: string; code: number }> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ path });
    let buf = "";
    let size = 0;
    let greeted = false;
    const out: string[] = [];
    let settled = false;
    let code = 0;
    const finish = (err: Error | null, text?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve({ text: text as string, code });
    };
    const timer = setTimeout(() => finish(new CommandError(ERROR_CODES.commandTimeout, `BIRD socket ${path}: no reply within ${timeoutMs} ms`, { argv: ["birdc", command], exitCode: null, stderr: "" })), timeoutMs);
    sock.setEncoding("utf8");
    sock.on("error", (e) => finish(e));
    sock.on("close", () => finish(new Error(`BIRD socket ${path}: closed before the reply ended`)));
    sock.on("data", (chunk: string) => {
      size += chunk.length;
      if (size > MAX_REPLY) return finish(new Error(`BIRD socket ${path}: reply over ${MAX_REPLY} bytes`));
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const c0 = line.charCodeAt(0);
        if (c0 === 43 /* + async message */) continue;
        if (c0 === 32 /* continuation */) {
          if (greeted) out.push(`     ${line.slice(1)}`);
          continue;
        }
        const final = line.length >= 5 && line[4] === " " && /^\d{4}/.test(line);
        if (!greeted) {
          if (final) {
            greeted = true;
            sock.write(`${command}\n`);
          }
          continue;
        }
        if (!line.startsWith("0000")) out.push(line);
        if (final) {
          code = Number(line.slice(0, 4));
          return finish(null, out.length > 0 ? `${out.join("\n")}\n` : "");
        }
      }
    });
  });
}

/**
 * A runner that answers `birdc <words>` through BIRD's control socket instead of starting
 * a `birdc` process (about 1–3 ms of CPU per spawn, four per cycle). Every other command,
 * and `birdc` itself when the socket is missing or refuses the connection, goes to the
 * wrapped runner. Only for a local runner: over ssh or a prefix the socket is not ours.
 */
export class BirdSocketRunner implements CommandRunner {
  readonly description: string;
  constructor(
    readonly inner: CommandRunner,
    readonly socketPath: string,
    readonly defaultTimeoutMs = 5000,
  ) {
    this.description = inner.description;
  }

  async run(argv: readonly string[], opts?: RunOptions): Promise<CommandResult> {
    if (argv[0] !== "birdc" || argv.length < 2 || argv.slice(1).some((w) => w.startsWith("-") || /[\n\r]/.test(w))) return this.inner.run(argv, opts);
    let reply: { text: string; code: number };
    try {
      reply = await queryBirdSocket(this.socketPath, argv.slice(1).join(" "), opts?.timeoutMs ?? this.defaultTimeoutMs);
    } catch (e) {
      if (e instanceof CommandError) throw e;
      return this.inner.run(argv, opts); // no socket (BIRD restarting, moved): birdc says why
    }
    return { stdout: reply.text, stderr: "", exitCode: reply.code >= 8000 ? 1 : 0 };
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}
