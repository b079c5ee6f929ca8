import type { UciOp } from "@meshfleet/shared";

/**
 * The committed text of each config at one moment; null for a config that had no file.
 * Restoring a snapshot brings every listed config back to exactly that state and drops
 * staged (uncommitted) changes to them.
 */
export interface UciSnapshot {
  configs: Record<string, string | null>;
}

/**
 * Where UCI operations run: the real `uci` binary on a router (`CommandUciBackend`), or
 * a directory of config files (`FileUciBackend`, for tests and the simulated mesh).
 * Both follow `uci`'s model: `apply` stages changes, `commit` writes them.
 */
export interface UciBackend {
  readonly description: string;
  /** The committed file text of a config, or null when it does not exist. */
  read(config: string): Promise<string | null>;
  /** Stages operations; all or nothing (a failing op leaves nothing staged from this call). */
  apply(ops: readonly UciOp[]): Promise<void>;
  /** Writes the staged changes of these configs. */
  commit(configs: readonly string[]): Promise<void>;
  /** Drops the staged changes of these configs. */
  revert(configs: readonly string[]): Promise<void>;
  snapshot(configs: readonly string[]): Promise<UciSnapshot>;
  restore(snapshot: UciSnapshot): Promise<void>;
}
