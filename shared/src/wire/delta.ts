/**
 * A structural delta between two JSON values, generic over their shape (new snapshot
 * sections need nothing here). `applyDelta(base, jsonDelta(base, next))` is deep-equal to
 * `next`, with the same key order, so its JSON text is byte-identical.
 *
 * A delta node is one of:
 * - `{"=": value}`     the value, whole;
 * - `{"+": n}`         base + n (both safe integers: exact);
 * - `{"o": {k: d}, "x": [k]}`  the base object with keys patched by `o` and keys `x` removed
 *                      (only when the key order stays that of the base plus new keys at the end);
 * - `{"a": [item]}`    an array: `i` = base element i as is, `[i, d]` = base element i
 *                      patched by d, `{"=": v}` = a new element.
 * Array elements are matched to base elements by identity (an object's string fields, else
 * the position); the match only decides how small the delta is, never what it decodes to.
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Delta = { "=": Json } | { "+": number } | { o: Record<string, Delta>; x?: string[] } | { a: DeltaItem[] };
export type DeltaItem = number | [number, Delta] | { "=": Json };

/** Thrown by `applyDelta` when a delta does not fit its base (a wrong base or a broken message). */
export class DeltaError extends Error {
  override readonly name = "DeltaError";
}

const isObj = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

function identity(v: Json, i: number): string {
  if (!isObj(v)) return `#${i}`;
  let id = "";
  for (const k in v) {
    const x = v[k];
    if (typeof x === "string") id += `${k}=${x}\u0000`;
  }
  return id === "" ? `#${i}` : id;
}

function sameOrder(a: string[], b: string[]): boolean {
  // b must be a's keys (those kept, in a's order) followed by new keys.
  let j = 0;
  const bSet = new Set(b);
  for (const k of a) {
    if (!bSet.has(k)) continue;
    if (b[j] !== k) return false;
    j++;
  }
  return true;
}

/** The delta turning `base` into `next`, or undefined when they are equal. */
export function jsonDelta(base: Json, next: Json): Delta | undefined {
  if (base === next) return undefined;
  if (typeof next === "number" && typeof base === "number") {
    return Number.isSafeInteger(base) && Number.isSafeInteger(next) && Number.isSafeInteger(next - base) ? { "+": next - base } : { "=": next };
  }
  if (Array.isArray(next) && Array.isArray(base)) return arrayDelta(base, next);
  if (isObj(next) && isObj(base)) {
    const bk = Object.keys(base);
    const nk = Object.keys(next);
    if (!sameOrder(bk, nk)) return { "=": next };
    const o: Record<string, Delta> = {};
    let changed = false;
    for (const k of nk) {
      const d = Object.hasOwn(base, k) ? jsonDelta(base[k]!, next[k]!) : { "=": next[k]! };
      if (d !== undefined) {
        put(o, k, d);
        changed = true;
      }
    }
    const x = bk.filter((k) => !Object.hasOwn(next, k));
    if (!changed && x.length === 0) return undefined;
    return x.length > 0 ? { o, x } : { o };
  }
  return { "=": next };
}

function arrayDelta(base: Json[], next: Json[]): Delta | undefined {
  // Usual case: the same elements in the same places.
  if (base.length === next.length) {
    const ds: (Delta | undefined)[] = [];
    let same = true;
    for (let i = 0; i < next.length && same; i++) {
      same = identity(base[i]!, i) === identity(next[i]!, i);
      if (same) ds.push(jsonDelta(base[i]!, next[i]!));
    }
    if (same) return ds.some((d) => d !== undefined) ? { a: ds.map((d, i) => (d === undefined ? i : [i, d])) } : undefined;
  }
  const byId = new Map<string, number[]>();
  base.forEach((v, i) => {
    const id = identity(v, i);
    const l = byId.get(id);
    if (l) l.push(i);
    else byId.set(id, [i]);
  });
  const items: DeltaItem[] = [];
  let changed = base.length !== next.length;
  next.forEach((v, i) => {
    const j = byId.get(identity(v, i))?.shift();
    if (j === undefined) {
      items.push({ "=": v });
      changed = true;
      return;
    }
    const d = jsonDelta(base[j]!, v);
    if (j !== i || d !== undefined) changed = true;
    items.push(d === undefined ? j : [j, d]);
  });
  return changed ? { a: items } : undefined;
}

/** `base` with `delta` applied (base is never modified; unchanged parts are shared). */
export function applyDelta(base: Json, delta: Delta | undefined): Json {
  if (delta === undefined) return base;
  if (!isObj(delta)) throw new DeltaError("a delta node must be an object");
  if ("=" in delta) return delta["="];
  if ("+" in delta) {
    if (typeof base !== "number" || !Number.isSafeInteger(base) || !Number.isSafeInteger(delta["+"])) throw new DeltaError("an increment needs integers");
    return asParsed(base + delta["+"]);
  }
  if ("o" in delta) {
    if (!isObj(base) || !isObj(delta.o)) throw new DeltaError("an object patch needs an object base");
    const drop = delta.x ?? [];
    if (!Array.isArray(drop)) throw new DeltaError("removed keys must be a list");
    // A copy of the base (its keys, in its order) with the patched keys replaced, new keys
    // added at the end and removed keys deleted: V8 keeps it a fast object. Adding each key
    // by a store at this one site, which sees every kind of object, turns one of more than
    // ~16 keys (a station has 21) into a slow dictionary, and validating such a snapshot took
    // several times as long as a parsed one. (Deleting does that too, but keys are rarely removed.)
    const out: Record<string, Json> = { ...base };
    for (const k of Object.keys(delta.o)) put(out, k, applyDelta(Object.hasOwn(base, k) ? base[k]! : null, delta.o[k]));
    for (const k of drop) if (typeof k === "string" && Object.hasOwn(base, k)) delete out[k];
    return out;
  }
  if ("a" in delta) {
    if (!Array.isArray(base) || !Array.isArray(delta.a)) throw new DeltaError("an array patch needs an array base");
    // Built by Array.from (as JSON.parse builds arrays: packed, of the kind their elements call
    // for), not by an array literal whose allocation site remembers other arrays' kinds.
    return Array.from(delta.a, (it) => {
      if (typeof it === "number") return element(base, it);
      if (Array.isArray(it)) return applyDelta(element(base, it[0]), it[1]);
      if (isObj(it) && "=" in it) return it["="];
      throw new DeltaError("unknown array item");
    });
  }
  throw new DeltaError("unknown delta node");
}

/**
 * A sum as JSON.parse would have produced the number: an int32 as a small integer, not a
 * boxed double (the increment read from the parsed delta may be one). V8 gives objects and
 * arrays holding boxed doubles other hidden classes than the parsed snapshots the schema
 * also validates, which made validating either kind several times slower.
 */
function asParsed(n: number): number {
  return (n | 0) === n ? n | 0 : n;
}

/** Own data property, `__proto__` included (as JSON.parse makes it). */
function put<T>(o: Record<string, T>, k: string, v: T): void {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function element(base: Json[], i: unknown): Json {
  if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= base.length) throw new DeltaError(`no base element ${String(i)}`);
  return base[i]!;
}
