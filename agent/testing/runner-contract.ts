import { describe, expect, it } from "vitest";
import { ERROR_CODES, errorCode, type CommandRunner } from "@meshfleet/shared";

/**
 * The one contract every CommandRunner passes (local, prefixed, ssh, simulated).
 *
 * Assumptions are kept minimal so that a runner that cannot run arbitrary programs
 * (the simulated mesh) can pass it too:
 * - always checked: `description` is non-empty; every supplied case resolves with the
 *   expected stdout/exit code; a program that does not exist rejects with
 *   E_COMMAND_NOT_FOUND (the error carries the argv); the runner does not mutate argv.
 * - `realPrograms: true` (runners that execute real programs on a POSIX system with
 *   coreutils): argv reaches the program verbatim, hostile characters included
 *   (`printf '%s\n'` echoes it back); a non-zero exit resolves with its code; stdin
 *   reaches the program; the program sees `LC_ALL=C`.
 * - `timeout` given: the argv runs longer than `timeoutMs` and must reject with
 *   E_COMMAND_TIMEOUT well before it would have finished.
 */
export interface RunnerContractCase {
  what: string;
  argv: readonly string[];
  /** Exact stdout, or a predicate on it. */
  stdout: string | ((stdout: string) => boolean);
  exitCode?: number;
}

export interface RunnerContractOptions {
  /** Builds the runner under test (called once per test). */
  make: () => CommandRunner | Promise<CommandRunner>;
  /** Cases specific to this runner (the simulated mesh supplies `iw dev` and friends). */
  cases: readonly RunnerContractCase[];
  /** argv whose program does not exist (default: a name no system has). */
  missing?: readonly string[];
  realPrograms?: boolean;
  timeout?: { argv: readonly string[]; timeoutMs: number } | null;
}

/** Strings that break naive quoting: spaces, quotes, `$()`, globs, newlines, leading dashes, unicode, empty. */
export const HOSTILE_ARGS: readonly string[] = [
  "two words",
  "it's",
  `"double" and 'single'`,
  "$(touch /tmp/mf-pwned)",
  "`id`",
  "$HOME ${PATH}",
  "; rm -rf / #",
  "a|b&c>d<e",
  "*",
  "~root",
  "back\\slash\\",
  "-n",
  "--",
  "line1\nline2",
  "tab\there",
  "ünïcödé ✓",
  "'",
  "''",
  "!event",
];

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected the command to reject");
}

export function runnerContract(name: string, opts: RunnerContractOptions): void {
  describe(`CommandRunner contract: ${name}`, () => {
    it("has a description", async () => {
      const r = await opts.make();
      expect(typeof r.description).toBe("string");
      expect(r.description.length).toBeGreaterThan(0);
    });

    for (const c of opts.cases) {
      it(`runs ${c.what}`, async () => {
        const r = await opts.make();
        const argv = [...c.argv];
        const res = await r.run(argv);
        expect(argv).toEqual(c.argv);
        expect(res.exitCode).toBe(c.exitCode ?? 0);
        if (typeof c.stdout === "string") expect(res.stdout).toBe(c.stdout);
        else expect(c.stdout(res.stdout), `stdout was: ${res.stdout.slice(0, 500)}`).toBe(true);
      });
    }

    it("rejects a missing program with E_COMMAND_NOT_FOUND carrying the argv", async () => {
      const r = await opts.make();
      const argv = opts.missing ?? ["meshfleet-no-such-program-7f3a", "--flag"];
      const e = (await rejection(r.run(argv))) as { argv?: readonly string[] };
      expect(errorCode(e)).toBe(ERROR_CODES.commandNotFound);
      expect(e.argv?.join(" ")).toContain(argv[0]);
    });

    if (opts.timeout) {
      const t = opts.timeout;
      it("rejects a command that runs too long with E_COMMAND_TIMEOUT", async () => {
        const r = await opts.make();
        const started = Date.now();
        const e = await rejection(r.run(t.argv, { timeoutMs: t.timeoutMs }));
        expect(errorCode(e)).toBe(ERROR_CODES.commandTimeout);
        expect(Date.now() - started).toBeLessThan(t.timeoutMs + 2500);
      });
    }

    if (opts.realPrograms) {
      it("passes argv verbatim, hostile characters included", async () => {
        const r = await opts.make();
        const res = await r.run(["printf", "%s\\n", ...HOSTILE_ARGS]);
        expect(res.exitCode).toBe(0);
        expect(res.stdout).toBe(HOSTILE_ARGS.map((a) => `${a}\n`).join(""));
      });

      it("resolves a non-zero exit with its code and stderr", async () => {
        const r = await opts.make();
        const res = await r.run(["sh", "-c", "echo oops >&2; exit 3"]);
        expect(res.exitCode).toBe(3);
        expect(res.stderr).toBe("oops\n");
      });

      it("writes stdin to the program", async () => {
        const r = await opts.make();
        const res = await r.run(["cat"], { stdin: "set wireless.mesh.mesh_id='x y'\ncommit\n" });
        expect(res.stdout).toBe("set wireless.mesh.mesh_id='x y'\ncommit\n");
      });

      it("runs the program with LC_ALL=C", async () => {
        const r = await opts.make();
        const res = await r.run(["env"]);
        expect(res.stdout.split("\n")).toContain("LC_ALL=C");
      });
    }
  });
}
