import type { Logger } from "../log";

/** Listeners of one kind of ingest event; one that throws is logged and does not stop the others. */
export class ListenerSet<E> {
  readonly #listeners: ((e: E) => void)[] = [];

  constructor(
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  add(listener: (e: E) => void): () => void {
    this.#listeners.push(listener);
    return () => this.#listeners.splice(this.#listeners.indexOf(listener), 1);
  }

  emit(e: E): void {
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.error({ error: (err as Error).message }, `a ${this.what} listener failed`);
      }
    }
  }
}
