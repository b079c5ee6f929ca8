/**
 * The partition nats-server's subject mapping `partition(count, 1)` puts a node in: FNV-1a
 * (32 bit) of the node id, modulo the count. The controller needs it to know which nodes
 * its partitions hold (their offline checks, their detection state); the end-to-end test
 * checks it against the server's own mapping.
 */
export function partitionOf(node: string, count: number): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(node, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % count;
}
