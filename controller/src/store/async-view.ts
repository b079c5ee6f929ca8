type Promised<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;

/** The methods `keys` of a synchronous object, each returning a promise (a throw becomes a rejection). */
export type AsyncView<T, K extends keyof T> = { [P in K]: Promised<T[P]> };

/** Wraps synchronous repository methods in the store's async interface (the SQLite store). */
export function asyncView<T extends object, K extends keyof T>(target: T, keys: readonly K[]): AsyncView<T, K> {
  const out: Partial<Record<K, unknown>> = {};
  for (const k of keys) {
    const f = target[k] as (...args: unknown[]) => unknown;
    out[k] = (...args: unknown[]) => {
      try {
        return Promise.resolve(f.apply(target, args));
      } catch (err) {
        return Promise.reject(err as Error);
      }
    };
  }
  return out as AsyncView<T, K>;
}

/** The result of a synchronous call as a promise (a throw becomes a rejection). */
export function settled<R>(f: () => R): Promise<R> {
  return new Promise((resolve) => resolve(f()));
}
