/**
 * The logger the agent code receives: the subset of pino's API it uses, so tests can
 * pass a recorder and the simulated fleet a silent one. Objects first, message second;
 * never put secrets (passwords, keys, tokens) in either.
 */
export interface Log {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
  child(bindings: Record<string, unknown>): Log;
}

/** A logger that drops everything (simulated fleets, benchmarks). */
export const silentLog: Log = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLog,
};

/** A logger that keeps every entry in memory (tests). */
export function memoryLog(): Log & { entries: { level: string; msg: string | undefined; obj: Record<string, unknown> }[] } {
  const entries: { level: string; msg: string | undefined; obj: Record<string, unknown> }[] = [];
  const make = (bindings: Record<string, unknown>): Log => ({
    debug: (obj, msg) => entries.push({ level: "debug", msg, obj: { ...bindings, ...obj } }),
    info: (obj, msg) => entries.push({ level: "info", msg, obj: { ...bindings, ...obj } }),
    warn: (obj, msg) => entries.push({ level: "warn", msg, obj: { ...bindings, ...obj } }),
    error: (obj, msg) => entries.push({ level: "error", msg, obj: { ...bindings, ...obj } }),
    child: (b) => make({ ...bindings, ...b }),
  });
  return Object.assign(make({}), { entries });
}
