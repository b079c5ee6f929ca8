import { AsyncLocalStorage } from "node:async_hooks";

/**
 * One transaction at a time per store: `run(fn, open)` calls `open()` (which begins, awaits
 * `fn` and commits) after the transactions queued before it, or calls `fn` directly when
 * it runs inside a transaction of this queue already (a nested call joins the outer one).
 */
export class TransactionQueue {
  private readonly inside = new AsyncLocalStorage<true>();
  private tail: Promise<unknown> = Promise.resolve();

  /** True inside a transaction of this queue (in `fn`, or code it awaits). */
  get active(): boolean {
    return this.inside.getStore() === true;
  }

  run<T>(fn: () => Promise<T>, open: () => Promise<T>): Promise<T> {
    if (this.inside.getStore()) return fn();
    const next = this.tail.then(() => this.inside.run(true, open));
    this.tail = next.catch(() => undefined);
    return next;
  }
}
