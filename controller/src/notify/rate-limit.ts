/** A token bucket: `max` messages per `perMs`, refilled continuously (pure). */
export interface RateLimit {
  max: number;
  perMs: number;
}

export interface Bucket {
  tokens: number;
  atMs: number;
}

export const fullBucket = (l: RateLimit, nowMs: number): Bucket => ({ tokens: l.max, atMs: nowMs });

/** Takes one token if there is one; otherwise says when the next one is there. */
export function takeToken(b: Bucket, l: RateLimit, nowMs: number): { ok: true; bucket: Bucket } | { ok: false; bucket: Bucket; retryAtMs: number } {
  const tokens = Math.min(l.max, b.tokens + (Math.max(0, nowMs - b.atMs) * l.max) / l.perMs);
  if (tokens >= 1) return { ok: true, bucket: { tokens: tokens - 1, atMs: nowMs } };
  return { ok: false, bucket: { tokens, atMs: nowMs }, retryAtMs: nowMs + Math.ceil(((1 - tokens) * l.perMs) / l.max) };
}
