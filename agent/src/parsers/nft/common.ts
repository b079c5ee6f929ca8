import type { NftCounter } from "@meshfleet/shared";

/** The schema caps the counter list; counters past it are dropped and counted as skipped. */
export const MAX_COUNTERS = 16384;
export const MAX_TEXT = 256;
export const MAX_SUMMARY = 512;

export function clip(s: string, max = MAX_TEXT): string {
  return s.length <= max ? s : s.slice(0, max);
}

/** A non-negative finite number, or null. */
export function count(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) && v >= 0 ? v : null;
  if (typeof v === "string" && /^\d{1,20}$/.test(v)) return Number(v);
  return null;
}

/** An integer handle, or null. */
export function handleOf(v: unknown): number | null {
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (typeof v === "string" && /^\d{1,15}$/.test(v)) return Number(v);
  return null;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Stable order: (family, table, chain, handle, name); equal keys keep input order. */
export function sortCounters(counters: NftCounter[]): NftCounter[] {
  return counters
    .map((c, i) => ({ c, i }))
    .sort(
      (x, y) =>
        cmp(x.c.family, y.c.family) ||
        cmp(x.c.table, y.c.table) ||
        cmp(x.c.chain ?? "", y.c.chain ?? "") ||
        (x.c.handle ?? -1) - (y.c.handle ?? -1) ||
        cmp(x.c.name ?? "", y.c.name ?? "") ||
        x.i - y.i,
    )
    .map((x) => x.c);
}

/** Sorts and caps; returns how many counters fell over the cap. */
export function finish(counters: NftCounter[]): { counters: NftCounter[]; dropped: number } {
  const sorted = sortCounters(counters);
  if (sorted.length <= MAX_COUNTERS) return { counters: sorted, dropped: 0 };
  return { counters: sorted.slice(0, MAX_COUNTERS), dropped: sorted.length - MAX_COUNTERS };
}
