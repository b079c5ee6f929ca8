import { createHash } from "node:crypto";

/** A member's rank for a partition (rendezvous hashing): every controller computes the same. */
function weight(member: string, partition: number): number {
  return createHash("sha256").update(`${member}\u0000${partition}`).digest().readUInt32BE(0);
}

/**
 * Which partitions each live member should hold. Pure and deterministic: every controller
 * computes the same answer from the same member list, so nobody negotiates. Each
 * partition goes to its highest-ranked member that is below its fair share (floor or
 * ceil of partitions / members, the remainder going to the first to reach it); ranks come from rendezvous hashing, so a member joining
 * or leaving moves about 1/members of the partitions, not all of them.
 */
export function assignPartitions(members: readonly string[], partitions: number): Map<string, number[]> {
  const live = [...new Set(members)].sort();
  const out = new Map<string, number[]>(live.map((m) => [m, []]));
  if (live.length === 0) return out;
  const base = Math.floor(partitions / live.length);
  let extras = partitions % live.length;
  const room = (m: string): boolean => out.get(m)!.length < base || (out.get(m)!.length === base && extras > 0);
  for (let p = 0; p < partitions; p++) {
    const ranked = [...live].sort((a, b) => weight(b, p) - weight(a, p) || (a < b ? -1 : 1));
    const owner = ranked.find(room)!;
    if (out.get(owner)!.length === base) extras--;
    out.get(owner)!.push(p);
  }
  return out;
}
