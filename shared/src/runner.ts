/**
 * Every command the agent runs goes through a CommandRunner: argv arrays only (never
 * a shell string), a timeout, `LC_ALL=C`. Implementations: local, ssh, prefixed,
 * simulated mesh. One contract test suite runs against all of them.
 */
export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  /** Kill the command after this many ms (default: the runner's default, 5000). */
  timeoutMs?: number;
  /** Text written to the command's stdin (e.g. `uci batch`). */
  stdin?: string;
  /**
   * The collector (snapshot section name, e.g. `routing`) or job step asking. Runners may
   * use it to pick per-collector overrides (PrefixedRunner); others ignore it.
   */
  collector?: string;
  /**
   * Called with stdout text as the command prints it (remote diagnostics stream it back).
   * Runners that cannot stream never call it; the result still holds all of the output.
   */
  onOutput?: (text: string) => void;
}

export interface CommandRunner {
  /** A short description for logs and hello (`local`, `ssh root@r1`, `prefixed ip netns exec r1`, `sim r3`). */
  readonly description: string;
  /**
   * Runs argv and resolves with its output and exit code (a non-zero exit is not a
   * rejection). Rejects with a CommandError: `E_COMMAND_NOT_FOUND` when the program
   * does not exist, `E_COMMAND_TIMEOUT` when it ran past the timeout.
   */
  run(argv: readonly string[], opts?: RunOptions): Promise<CommandResult>;
  /** Releases what the runner keeps open between commands (ssh control master). Optional. */
  close?(): Promise<void>;
}
