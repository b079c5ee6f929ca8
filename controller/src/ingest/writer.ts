import type { Store } from "../store/index";
import type { IngestItem } from "./decode";

export type WriteResult = "accepted" | "duplicate";

/** Runs inside the batch transaction (e.g. jobs persisting job statuses atomically with the batch). */
export type TransactionWriter = (items: readonly IngestItem[]) => void;

/**
 * Writes one batch of validated items in ONE transaction: hellos update the node and its
 * MAC/address map, snapshots are stored unless `(node, boot, seq)` is already there.
 * Returns one result per item (same order). Throws (and rolls back) when the store fails.
 */
export function writeBatch(store: Store, items: readonly IngestItem[], receivedAt: number, writers: readonly TransactionWriter[] = []): WriteResult[] {
  return store.transaction(() => {
    const results: WriteResult[] = [];
    const accepted: IngestItem[] = [];
    const touched = new Map<string, number>();
    for (const it of items) {
      if (it.kind === "hello") {
        store.nodes.applyHello(it.msg, receivedAt);
        results.push("accepted");
        accepted.push(it);
      } else if (it.kind === "snapshot") {
        if (!touched.has(it.msg.node)) {
          store.nodes.touch(it.msg.node, receivedAt, it.msg.intervalMs);
          touched.set(it.msg.node, it.msg.ts);
        }
        const fresh = store.telemetry.write(it.msg, receivedAt);
        if (fresh) store.maintenance.noteSnapshotTs(it.msg.ts);
        results.push(fresh ? "accepted" : "duplicate");
        if (fresh) accepted.push(it);
      } else {
        results.push("accepted");
        accepted.push(it);
      }
    }
    for (const w of writers) w(accepted);
    return results;
  });
}
