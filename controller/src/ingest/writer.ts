import type { Snapshot } from "@meshfleet/shared";
import type { StoreApi } from "../store/index";
import type { IngestItem } from "./decode";

export type WriteResult = "accepted" | "duplicate";

/** Runs inside the batch transaction (e.g. jobs persisting job statuses atomically with the batch). */
export type TransactionWriter = (items: readonly IngestItem[]) => void | Promise<void>;

/** How a batch's transaction ends: `hold` (`StoreApi.transaction`); `settled(committed, results)` once it is durable or rolled back. */
export interface BatchCommit {
  hold?: boolean;
  settled?: (committed: boolean, results: readonly WriteResult[], error?: Error) => void;
}

/**
 * Writes one batch of validated items in ONE transaction: hellos update the node and its
 * MAC/address map, snapshots are stored unless `(node, boot, seq)` is already there. Each
 * run of snapshots between hellos goes to the store at once (`touchMany`, `writeMany`: a
 * few statements on PostgreSQL instead of three per snapshot). Returns one result per
 * item (same order). Throws (and rolls back) when the store fails.
 */
export function writeBatch(store: StoreApi, items: readonly IngestItem[], receivedAt: number, writers: readonly TransactionWriter[] = [], commit: BatchCommit = {}): Promise<WriteResult[]> {
  return store.transaction(async () => {
    const results: WriteResult[] = [];
    const touched = new Set<string>();
    let run: Snapshot[] = [];
    const flush = async () => {
      if (run.length === 0) return;
      const heard: { id: string; intervalMs: number | null }[] = [];
      for (const s of run) {
        if (touched.has(s.node)) continue;
        touched.add(s.node);
        heard.push({ id: s.node, intervalMs: s.intervalMs });
      }
      await store.nodes.touchMany(heard, receivedAt);
      const written = await store.telemetry.writeMany(run, receivedAt);
      // The oldest written snapshot is the one that can reopen a rolled-up minute.
      const oldest = run.reduce((min, s, i) => (written[i] ? Math.min(min, s.ts) : min), Infinity);
      if (Number.isFinite(oldest)) await store.maintenance.noteSnapshotTs(oldest);
      results.push(...written.map((w): WriteResult => (w ? "accepted" : "duplicate")));
      run = [];
    };
    for (const it of items) {
      if (it.kind === "snapshot") {
        run.push(it.msg);
        continue;
      }
      await flush();
      if (it.kind === "hello") await store.nodes.applyHello(it.msg, receivedAt);
      results.push("accepted");
    }
    await flush();
    const accepted = items.filter((_, i) => results[i] === "accepted");
    for (const w of writers) await w(accepted);
    const { settled } = commit;
    if (settled) store.afterCommit((ok, error) => settled(ok, results, error));
    return results;
  }, { hold: commit.hold });
}
