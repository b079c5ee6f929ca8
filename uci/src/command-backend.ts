import type { UciOp } from "@meshfleet/shared";
import type { CommandRunner } from "@meshfleet/shared";
import type { UciBackend, UciSnapshot } from "./backend";
import { quoteUci, UciError } from "./format";
import { assertUciValues, configsOf } from "./ops";

export interface CommandUciBackendOptions {
  /**
   * `argv`: one `uci` invocation per operation, the value as its own argv element
   * (`["uci", "set", "wireless.ap.ssid=it's $(x)"]`), so no shell ever sees it.
   * `batch`: one `uci batch` with the script on stdin, values single-quoted with `'`
   * escaped as `'\''` (uci's own tokenizer reads it back literally).
   */
  mode?: "argv" | "batch";
  /** Where the config files live (for `rm` of a config that did not exist). */
  confDir?: string;
  timeoutMs?: number;
}

function path(op: UciOp): string {
  const base = `${op.config}.${op.section}`;
  return "option" in op && op.option !== undefined ? `${base}.${op.option}` : base;
}

/**
 * The `uci` commands for one operation. Replacing a list is `uci -q delete` (which may
 * fail harmlessly when there is no such option) followed by one `add_list` per value:
 * `uci set` would turn a one-value list into an option.
 */
export function uciCommandsFor(op: UciOp): UciCommand[] {
  assertUciValues(op);
  const p = path(op);
  switch (op.op) {
    case "section":
      return [{ cmd: "set", arg: p, value: op.type }];
    case "set":
      if (!Array.isArray(op.value)) return [{ cmd: "set", arg: p, value: op.value }];
      return [{ cmd: "delete", arg: p, ignoreFailure: true }, ...op.value.map((v) => ({ cmd: "add_list", arg: p, value: v }))];
    case "delete":
      return [{ cmd: "delete", arg: p }];
    case "add_list":
      return [{ cmd: "add_list", arg: p, value: op.value }];
    case "del_list":
      return [{ cmd: "del_list", arg: p, value: op.value }];
  }
}

export interface UciCommand {
  cmd: string;
  arg: string;
  value?: string;
  /** Run on its own with `-q`, its failure ignored (a delete before a list is rebuilt). */
  ignoreFailure?: boolean;
}

/** One `uci batch` line: values single-quoted the way uci quotes them. */
export function uciBatchLine(c: UciCommand): string {
  return c.value === undefined ? `${c.cmd} ${c.arg}` : `${c.cmd} ${c.arg}=${quoteUci(c.value)}`;
}

/**
 * The commands for these operations as steps: `uci batch` scripts, split around the
 * deletes whose failure must be ignored (a batch stops being all-or-nothing there).
 */
export function uciBatchSteps(ops: readonly UciOp[]): ({ batch: string } | { ignoreFailure: UciCommand })[] {
  const steps: ({ batch: string } | { ignoreFailure: UciCommand })[] = [];
  let lines: string[] = [];
  const flush = () => {
    if (lines.length > 0) steps.push({ batch: `${lines.join("\n")}\n` });
    lines = [];
  };
  for (const op of ops) {
    for (const c of uciCommandsFor(op)) {
      if (c.ignoreFailure) {
        flush();
        steps.push({ ignoreFailure: c });
      } else lines.push(uciBatchLine(c));
    }
  }
  flush();
  return steps;
}

/** UCI through the real `uci` binary, via a CommandRunner (local, ssh, namespace). */
export class CommandUciBackend implements UciBackend {
  readonly description: string;
  private readonly mode: "argv" | "batch";
  private readonly confDir: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly runner: CommandRunner,
    opts: CommandUciBackendOptions = {},
  ) {
    this.mode = opts.mode ?? "argv";
    this.confDir = opts.confDir ?? "/etc/config";
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.description = `uci (${this.mode}) via ${runner.description}`;
  }

  private async uci(args: string[], stdin?: string, allowFailure = false): Promise<{ stdout: string; ok: boolean }> {
    const argv = ["uci", ...args];
    const res = await this.runner.run(argv, stdin === undefined ? { timeoutMs: this.timeoutMs } : { timeoutMs: this.timeoutMs, stdin });
    const ok = res.exitCode === 0 && !(args[0] === "batch" && res.stderr.trim() !== "");
    if (!ok && !allowFailure) {
      throw new UciError(`uci ${args[0]} failed (exit ${res.exitCode}): ${res.stderr.trim().slice(0, 300)}`, { argv: argv.slice(0, 2) });
    }
    return { stdout: res.stdout, ok };
  }

  async read(config: string): Promise<string | null> {
    const res = await this.runner.run(["cat", `${this.confDir}/${config}`], { timeoutMs: this.timeoutMs });
    return res.exitCode === 0 ? res.stdout : null;
  }

  async apply(ops: readonly UciOp[]): Promise<void> {
    try {
      if (this.mode === "batch") {
        for (const step of uciBatchSteps(ops)) {
          if ("batch" in step) await this.uci(["batch"], step.batch);
          else await this.uci(["-q", step.ignoreFailure.cmd, step.ignoreFailure.arg], undefined, true);
        }
        return;
      }
      for (const op of ops) {
        for (const c of uciCommandsFor(op)) {
          const arg = c.value === undefined ? c.arg : `${c.arg}=${c.value}`;
          await this.uci(c.ignoreFailure ? ["-q", c.cmd, arg] : [c.cmd, arg], undefined, c.ignoreFailure === true);
        }
      }
    } catch (e) {
      await this.revert(configsOf(ops));
      throw e;
    }
  }

  async commit(configs: readonly string[]): Promise<void> {
    for (const c of configs) await this.uci(["commit", c]);
  }

  async revert(configs: readonly string[]): Promise<void> {
    for (const c of configs) await this.uci(["revert", c], undefined, true);
  }

  async snapshot(configs: readonly string[]): Promise<UciSnapshot> {
    const out: UciSnapshot = { configs: {} };
    for (const c of configs) {
      const res = await this.uci(["export", c], undefined, true);
      out.configs[c] = res.ok ? res.stdout : null;
    }
    return out;
  }

  async restore(snapshot: UciSnapshot): Promise<void> {
    for (const [config, text] of Object.entries(snapshot.configs)) {
      await this.revert([config]);
      if (text === null) {
        const res = await this.runner.run(["rm", "-f", `${this.confDir}/${config}`], { timeoutMs: this.timeoutMs });
        if (res.exitCode !== 0) throw new UciError(`rm ${config} failed: ${res.stderr.trim().slice(0, 300)}`);
      } else {
        await this.uci(["import", config], text);
      }
    }
  }
}
