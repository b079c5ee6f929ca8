import { CommandError, ERROR_CODES } from "@meshfleet/shared";
import type { CommandResult, CommandRunner, RunOptions } from "./types";

/** How to rewrite argv: a prefix (`ip netns exec r1`) and/or program replacements (`birdc` -> `birdc -s /run/r1.ctl`). */
export interface ArgvRewrite {
  prefix?: readonly string[];
  /** argv[0] -> the argv that replaces it (the rest of argv follows). */
  programs?: Readonly<Record<string, readonly string[]>>;
}

export interface PrefixedRunnerOptions extends ArgvRewrite {
  /** Per-collector overrides (collector = snapshot section name or job step); they replace the global rewrite's fields they set. */
  collectors?: Readonly<Record<string, ArgvRewrite>>;
}

/**
 * Wraps another runner and rewrites argv before it runs: for lab namespaces
 * (`["ip","netns","exec","r1"]`) and unusual installs (`birdc -s /run/r1.ctl`).
 * Arguments are passed on as array elements, never joined into a string.
 */
export class PrefixedRunner implements CommandRunner {
  readonly description: string;
  readonly #inner: CommandRunner;
  readonly #opts: PrefixedRunnerOptions;

  constructor(inner: CommandRunner, opts: PrefixedRunnerOptions) {
    this.#inner = inner;
    this.#opts = opts;
    const p = opts.prefix && opts.prefix.length > 0 ? ` ${opts.prefix.join(" ")}` : "";
    this.description = `prefixed${p} (${inner.description})`;
  }

  /** The argv that actually runs for this collector (exported for tests and logs). */
  rewrite(argv: readonly string[], collector?: string): string[] {
    const over = collector !== undefined ? this.#opts.collectors?.[collector] : undefined;
    const prefix = over?.prefix ?? this.#opts.prefix ?? [];
    const programs = { ...this.#opts.programs, ...over?.programs };
    const [program, ...rest] = argv;
    const replaced = program !== undefined && Object.hasOwn(programs, program) ? [...(programs[program] ?? [program]), ...rest] : [...argv];
    return [...prefix, ...replaced];
  }

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
    const full = this.rewrite(argv, opts.collector);
    const res = await this.#inner.run(full, opts);
    // Wrappers (`ip netns exec`, `env`, `nsenter`) report a program they could not exec
    // on stderr with a non-zero exit; map that to not-found like a direct run.
    const program = full[this.#prefixLength(opts.collector)];
    if (res.exitCode !== 0 && program !== undefined && full[0] !== program && wrapperNotFound(res.stderr, program)) {
      throw new CommandError(ERROR_CODES.commandNotFound, `${program}: not found`, { argv: full, exitCode: res.exitCode, stderr: res.stderr.slice(-4000) });
    }
    return res;
  }

  close(): Promise<void> {
    return this.#inner.close?.() ?? Promise.resolve();
  }

  #prefixLength(collector?: string): number {
    const over = collector !== undefined ? this.#opts.collectors?.[collector] : undefined;
    return (over?.prefix ?? this.#opts.prefix ?? []).length;
  }
}

function wrapperNotFound(stderr: string, program: string): boolean {
  // Only the wrapper's own message counts (`exec of "birdc" failed: No such file…`,
  // `env: 'birdc': No such file…`), not the program complaining about its arguments.
  const first = stderr.split("\n", 1)[0] ?? "";
  if (first.startsWith(`${program}:`)) return false;
  return first.includes(program) && /No such file or directory|not found/.test(first);
}
