import type { Snapshot } from "@meshfleet/shared";
import { counterBaseOf, countsOf, pack, PACK_FORMAT, type CounterBase, type PackedSnapshot } from "../pack";
import { decodeRaw, type NodeStateRow, type RawDbRow, type RawRow } from "../telemetry-repo";
import type { TelemetryStore } from "../store-api";
import { listChunks, valueChunks } from "../sql/sql-db";
import type { PgDb } from "./pg-db";

const RAW_COLS = `id, node_id AS "nodeId", boot, seq, ts, received_at AS "receivedAt", fmt, data`;
const STATE_SELECT = `SELECT node_id AS "nodeId", ts, received_at AS "receivedAt", boot, seq, interval_ms AS "intervalMs", raw_id AS "rawId",
  stations, peers, mesh_paths AS "meshPaths", neighbors, routes, counters, errors, dropped_total AS "droppedTotal" FROM node_state`;
/** As in SQLite: within one boot the higher seq wins, across boots the later ts. */
const NEWER = "((excluded.boot = node_state.boot AND excluded.seq > node_state.seq) OR (excluded.boot <> node_state.boot AND excluded.ts >= node_state.ts))";
const STATE_COLS = ["ts", "received_at", "boot", "seq", "interval_ms", "raw_id", "stations", "peers", "mesh_paths", "neighbors", "routes", "counters", "errors"];
const upsertState = (values: string) => `INSERT INTO node_state (node_id, ts, received_at, boot, seq, interval_ms, raw_id, stations, peers, mesh_paths, neighbors, routes,
    counters, errors, dropped_total) VALUES ${values}
  ON CONFLICT (node_id) DO UPDATE SET dropped_total = node_state.dropped_total + excluded.dropped_total,
  ${STATE_COLS.map((c) => `${c} = CASE WHEN ${NEWER} THEN excluded.${c} ELSE node_state.${c} END`).join(",\n  ")}`;

/** A snapshot's identity, `(node, boot, seq)`, as one map key. */
const keyOf = (s: { node: string; boot: string; seq: number }) => `${s.node}\0${s.boot}\0${s.seq}`;

/**
 * Raw telemetry and the current state per node, on PostgreSQL: one row per snapshot in
 * `raw_snapshots` for as long as retention keeps it (no packing into blocks: PostgreSQL
 * compresses the large JSON values itself). Counter bases are cached per node as in
 * SQLite and only kept once their transaction committed.
 */
export class PgTelemetry implements TelemetryStore {
  private readonly bases = new Map<string, CounterBase>();
  private readonly pending = new Map<string, CounterBase>();

  constructor(private readonly db: PgDb) {}

  private async baseOf(node: string): Promise<CounterBase | null> {
    const staged = this.pending.get(node) ?? this.bases.get(node);
    if (staged) return staged;
    const st = await this.stateOf(node);
    const raw = st ? await this.rawById(st.rawId) : null;
    if (!raw) return null;
    const b = counterBaseOf(raw.ts, raw.data);
    this.bases.set(node, b);
    return b;
  }

  async write(s: Snapshot, receivedAt: number): Promise<boolean> {
    return (await this.writeMany([s], receivedAt))[0]!;
  }

  /**
   * One INSERT for the raw rows (`ON CONFLICT DO NOTHING RETURNING` says which were new),
   * then the node states: one upsert per layer (a node's first new snapshot of the batch,
   * its second, ...), so `NEWER` decides between each pair in order as row by row would.
   * The counter base a snapshot is packed against is the one before it in the batch.
   */
  async writeMany(list: readonly Snapshot[], receivedAt: number): Promise<boolean[]> {
    const packed: { s: Snapshot; p: PackedSnapshot }[] = [];
    const first = new Map<string, number>();
    list.forEach((s, i) => {
      const key = keyOf(s);
      if (!first.has(key)) first.set(key, i);
    });
    for (const [i, s] of list.entries()) {
      if (first.get(keyOf(s)) !== i) continue;
      const base = await this.baseOf(s.node);
      const p = pack(s, base && base.ts < s.ts ? base : null);
      packed.push({ s, p });
      if (!base || s.ts > base.ts) this.pending.set(s.node, counterBaseOf(s.ts, p));
    }
    const ids = new Map<string, number>();
    for (const c of valueChunks(packed.map(({ s, p }) => [s.node, s.boot, s.seq, s.ts, receivedAt, PACK_FORMAT, JSON.stringify(p)]))) {
      const rows = await this.db.query<{ id: number; node_id: string; boot: string; seq: number }>(
        `INSERT INTO raw_snapshots (node_id, boot, seq, ts, received_at, fmt, data) VALUES ${c.sql} ON CONFLICT (node_id, boot, seq) DO NOTHING RETURNING id, node_id, boot, seq`,
        c.values,
      );
      for (const r of rows) ids.set(keyOf({ node: r.node_id, boot: r.boot, seq: r.seq }), r.id);
    }
    const layers: (readonly unknown[])[][] = [];
    const depth = new Map<string, number>();
    for (const { s, p } of packed) {
      const id = ids.get(keyOf(s));
      if (id === undefined) continue;
      const d = depth.get(s.node) ?? 0;
      depth.set(s.node, d + 1);
      const c = countsOf(p);
      (layers[d] ??= []).push([s.node, s.ts, receivedAt, s.boot, s.seq, s.intervalMs, id, c.stations, c.peers, c.meshPaths, c.neighbors, c.routes, c.counters, c.errors, s.dropped]);
    }
    for (const layer of layers) for (const c of valueChunks(layer)) await this.db.run(upsertState(c.sql), c.values);
    return list.map((s, i) => first.get(keyOf(s)) === i && ids.has(keyOf(s)));
  }

  /** After a transaction: keep (commit) or drop the staged counter bases. */
  settle(committed: boolean): void {
    if (committed) for (const [k, v] of this.pending) this.bases.set(k, v);
    this.pending.clear();
  }

  async stateOf(node: string): Promise<NodeStateRow | null> {
    const [r] = await this.db.query<NodeStateRow>(`${STATE_SELECT} WHERE node_id = $1`, [node]);
    return r ?? null;
  }

  states(): Promise<NodeStateRow[]> {
    return this.db.query<NodeStateRow>(STATE_SELECT);
  }

  async rawById(id: number): Promise<RawRow | null> {
    const [r] = await this.db.query<RawDbRow>(`SELECT ${RAW_COLS} FROM raw_snapshots WHERE id = $1`, [id]);
    return r ? decodeRaw(r) : null;
  }

  async rawByIds(ids: readonly number[]): Promise<RawRow[]> {
    const out: RawRow[] = [];
    for (const c of listChunks(ids)) out.push(...(await this.db.query<RawDbRow>(`SELECT ${RAW_COLS} FROM raw_snapshots WHERE id IN (${c.sql})`, c.values)).map(decodeRaw));
    return out;
  }

  async latest(node: string): Promise<{ state: NodeStateRow; raw: RawRow | null } | null> {
    const state = await this.stateOf(node);
    return state ? { state, raw: await this.rawById(state.rawId) } : null;
  }

  async at(node: string, at: number): Promise<RawRow | null> {
    const [r] = await this.db.query<RawDbRow>(`SELECT ${RAW_COLS} FROM raw_snapshots WHERE node_id = $1 AND ts <= $2 ORDER BY ts DESC, id DESC LIMIT 1`, [node, at]);
    return r ? decodeRaw(r) : null;
  }

  async range(node: string, from: number, to: number): Promise<RawRow[]> {
    return (await this.db.query<RawDbRow>(`SELECT ${RAW_COLS} FROM raw_snapshots WHERE node_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts, id`, [node, from, to])).map(decodeRaw);
  }

  async newest(node: string, from: number, to: number, limit: number): Promise<RawRow[]> {
    const rows = await this.db.query<RawDbRow>(`SELECT ${RAW_COLS} FROM raw_snapshots WHERE node_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts DESC, id DESC LIMIT $4`, [
      node,
      from,
      to,
      limit,
    ]);
    return rows.map(decodeRaw).reverse();
  }
}
