/** A record's entries split by a predicate on the value. */
export function splitBy<T>(r: Record<string, T>, mine: (v: T, k: string) => boolean): { mine: Record<string, T>; others: Record<string, T> } {
  const out = { mine: {} as Record<string, T>, others: {} as Record<string, T> };
  for (const [k, v] of Object.entries(r)) (mine(v, k) ? out.mine : out.others)[k] = v;
  return out;
}

/** A per-node record split into this controller's nodes and the others'. */
export function split<T>(r: Record<string, T>, owns: (node: string) => boolean): { mine: Record<string, T>; others: Record<string, T> } {
  return splitBy(r, (_v, node) => owns(node));
}
