/**
 * One lease as its would-be holder sees it. The lease itself is a key in a KV bucket whose
 * entries expire (the bucket's max age, the TTL): the holder rewrites it before it
 * expires, each write conditional on the revision it last wrote, so two controllers can
 * never both succeed. The holder never compares clocks with anyone: it counts from the
 * moment it SENT its last successful write (the server stamped the entry later, so the
 * entry outlives that count) and gives the lease up on its own a margin before the TTL
 * runs out, before anyone else can take it.
 */
export type Lease = { readonly held: false } | { readonly held: true; readonly revision: number; readonly sentAt: number };

export interface LeaseTiming {
  /** The bucket's TTL: an entry not rewritten for this long is gone. */
  ttlMs: number;
  /** How often the holder rewrites it. */
  renewEveryMs: number;
  /** The holder drops the lease this long before the TTL ends (stops using it first). */
  marginMs: number;
}

export type LeaseAction = "acquire" | "renew" | "release" | "drop" | "none";

export const FREE: Lease = { held: false };

/** Sensible timing for a TTL: renew at a fifth of it, drop a quarter before its end. */
export function leaseTiming(ttlMs: number): LeaseTiming {
  return { ttlMs, renewEveryMs: Math.max(100, Math.floor(ttlMs / 5)), marginMs: Math.floor(ttlMs / 4) };
}

/** What to do now with a lease we want (or no longer want). */
export function nextAction(lease: Lease, want: boolean, nowMs: number, t: LeaseTiming): LeaseAction {
  if (!lease.held) return want ? "acquire" : "none";
  if (nowMs - lease.sentAt >= t.ttlMs - t.marginMs) return "drop";
  if (!want) return "release";
  return nowMs - lease.sentAt >= t.renewEveryMs ? "renew" : "none";
}

/** The outcome of a conditional write sent at `sentAt`. */
export type WriteOutcome = { ok: true; revision: number } | { ok: false; reason: "taken" | "unreachable" };

/** The lease after an acquire or renew sent at `sentAt` came back with `outcome`. */
export function afterWrite(lease: Lease, sentAt: number, outcome: WriteOutcome): Lease {
  if (outcome.ok) return { held: true, revision: outcome.revision, sentAt };
  // taken: someone else holds it (or our entry expired and was taken); unreachable: keep
  // what we had, the drop deadline still counts from the last write that succeeded.
  return outcome.reason === "taken" ? FREE : lease;
}
