/**
 * Deterministic randomness for the simulated mesh. Two kinds:
 * - `seededRandom`-style streams for building the world once (order matters);
 * - stateless hash noise `noise(seed, a, b, c)` for values that depend on time, so a
 *   value at time t is the same whatever was asked before (no hidden per-call state).
 */
export { seededRandom } from "@meshfleet/shared";

/** A 32-bit integer hash of up to four integers (murmur3-style finaliser). */
export function hash32(a: number, b = 0, c = 0, d = 0): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ c, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15) ^ d, 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** Uniform in [0, 1), stateless. */
export function noise(a: number, b = 0, c = 0, d = 0): number {
  return hash32(a, b, c, d) / 4294967296;
}

/** Uniform in [-1, 1], smooth in `x` (cosine interpolation between integer knots). */
export function smoothNoise(a: number, b: number, x: number): number {
  const i = Math.floor(x);
  const f = x - i;
  const v0 = noise(a, b, i) * 2 - 1;
  const v1 = noise(a, b, i + 1) * 2 - 1;
  const w = (1 - Math.cos(f * Math.PI)) / 2;
  return v0 * (1 - w) + v1 * w;
}

/** A stable 32-bit hash of a string (FNV-1a). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
