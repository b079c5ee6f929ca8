import type { StoreApi } from "../store/index";

/**
 * The store's transactions for state kept in memory and saved with each pass. Transactions run
 * one after another, so no two passes interleave. When one rolls back (its own, or the ingest's
 * held transaction it joined, ended by a failed commit), memory is ahead of the store: the next
 * one first reloads what the store kept (`reload`), so the snapshots rolled back, redelivered,
 * are handled again in order (else they would be late, and their events lost with the rollback).
 */
export class ReloadingTransactions {
  private stale = false;

  constructor(
    private readonly store: Pick<StoreApi, "transaction" | "afterCommit">,
    private readonly reload: () => Promise<void>,
  ) {}

  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.store.transaction(async () => {
      if (this.stale) {
        this.stale = false;
        await this.reload();
      }
      this.store.afterCommit((committed) => {
        if (!committed) this.stale = true;
      });
      return fn();
    });
  }
}
