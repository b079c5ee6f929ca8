import type { Hello } from "@meshfleet/shared";
import { listChunks, valueChunks, type SqlDb } from "./sql/sql-db";
import { bytewise, greatest } from "./sql/dialect";
import type { NodesStore } from "./store-api";

export interface NodeRow {
  id: string;
  firstSeen: number;
  lastSeen: number;
  lastHelloAt: number | null;
  lastBoot: string | null;
  agentVersion: string | null;
  protocolVersion: number | null;
  capabilities: string[];
  mode: string | null;
  hostname: string | null;
  boardName: string | null;
  model: string | null;
  release: string | null;
  intervalMs: number | null;
  tags: string[];
}

interface RawNodeRow extends Omit<NodeRow, "capabilities" | "tags"> {
  capabilities: string;
  tags: string;
}

/**
 * How stale `nodes.last_seen` may get on disk (ms). A node's row holds its hello (a page or
 * more of its own), so writing it for every snapshot cost a page per snapshot; reads add the
 * current snapshot's receive time and what this process saw since (`seen`).
 */
export const LAST_SEEN_WRITE_MS = 5 * 60_000;

const toRow = (r: RawNodeRow): NodeRow => ({ ...r, capabilities: JSON.parse(r.capabilities) as string[], tags: JSON.parse(r.tags) as string[] });

/** Nodes, their MACs and link-local addresses (from hellos), written once for both databases. */
export class NodesRepository implements NodesStore {
  /** Per node: last_seen as written, as seen by this process, and interval_ms as written. */
  private readonly seen = new Map<string, { written: number; seen: number; intervalMs: number | null }>();
  private readonly select: string;
  private readonly upsertTouch: string;

  constructor(private readonly db: SqlDb) {
    // last_seen is written lazily (`touchMany`): the receive time of the node's current snapshot counts too.
    this.select = `SELECT id, first_seen AS "firstSeen", ${greatest(db.dialect, "last_seen", "coalesce(s.received_at, 0)")} AS "lastSeen",
      last_hello_at AS "lastHelloAt", last_boot AS "lastBoot", agent_version AS "agentVersion", protocol_version AS "protocolVersion",
      capabilities, mode, hostname, board_name AS "boardName", model, release, nodes.interval_ms AS "intervalMs", tags
      FROM nodes LEFT JOIN node_state s ON s.node_id = nodes.id`;
    this.upsertTouch = `ON CONFLICT (id) DO UPDATE SET last_seen = ${greatest(db.dialect, "nodes.last_seen", "excluded.last_seen")},
      interval_ms = coalesce(excluded.interval_ms, nodes.interval_ms)`;
  }

  /** Records a hello: node identity, versions, board, MACs and link-local addresses (call inside a transaction). */
  async applyHello(h: Hello, now: number): Promise<void> {
    this.seen.delete(h.node);
    const rel = h.board?.release;
    await this.db.run(
      `INSERT INTO nodes (id, first_seen, last_seen, last_hello_at, last_boot, agent_version, protocol_version, capabilities, mode, hostname,
          board_name, model, release, interval_ms, tags, hello)
        VALUES ($1, $2, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        ON CONFLICT (id) DO UPDATE SET last_seen = ${greatest(this.db.dialect, "nodes.last_seen", "excluded.last_seen")}, last_hello_at = excluded.last_hello_at,
          last_boot = excluded.last_boot, agent_version = excluded.agent_version, protocol_version = excluded.protocol_version,
          capabilities = excluded.capabilities, mode = excluded.mode, hostname = excluded.hostname, board_name = excluded.board_name,
          model = excluded.model, release = excluded.release, interval_ms = excluded.interval_ms, tags = excluded.tags, hello = excluded.hello`,
      [
        h.node,
        now,
        h.boot,
        h.agentVersion,
        h.protocolVersion,
        JSON.stringify(h.capabilities),
        h.mode,
        h.hostname,
        h.board?.boardName ?? null,
        h.board?.model ?? null,
        rel ? [rel.distribution, rel.version].filter(Boolean).join(" ") || null : null,
        h.intervalMs,
        JSON.stringify(h.tags),
        JSON.stringify(h),
      ],
    );
    await this.db.run("DELETE FROM node_macs WHERE node_id = $1", [h.node]);
    await this.db.run("DELETE FROM node_addresses WHERE node_id = $1", [h.node]);
    // One row per key (a bridge and its port share a MAC; the last interface named wins).
    const macs = new Map<string, unknown[]>();
    const addrs = new Map<string, unknown[]>();
    for (const i of h.interfaces) {
      if (i.mac) macs.set(i.mac.toLowerCase(), [i.mac.toLowerCase(), h.node, i.name, now]);
      for (const a of i.linkLocal) addrs.set(`${i.name} ${a.toLowerCase()}`, [h.node, i.name, a.toLowerCase(), now]);
    }
    for (const c of valueChunks([...macs.values()])) {
      await this.db.run(
        `INSERT INTO node_macs (mac, node_id, iface, updated_at) VALUES ${c.sql}
          ON CONFLICT (mac) DO UPDATE SET node_id = excluded.node_id, iface = excluded.iface, updated_at = excluded.updated_at`,
        c.values,
      );
    }
    for (const c of valueChunks([...addrs.values()])) {
      await this.db.run(`INSERT INTO node_addresses (node_id, iface, address, updated_at) VALUES ${c.sql} ON CONFLICT (node_id, iface, address) DO UPDATE SET updated_at = excluded.updated_at`, c.values);
    }
  }

  /** Marks a node as heard from (creates it on its first snapshot); see `touchMany`. */
  touch(id: string, now: number, intervalMs: number | null): Promise<void> {
    return this.touchMany([{ id, intervalMs }], now);
  }

  /**
   * Marks nodes (distinct ids) as heard from. Writes a node's row only when it is new, its
   * interval changed or its last_seen on disk is `LAST_SEEN_WRITE_MS` old; what is due goes
   * in one statement.
   */
  async touchMany(nodes: readonly { id: string; intervalMs: number | null }[], now: number): Promise<void> {
    const unknown = nodes.filter((n) => !this.seen.has(n.id)).map((n) => n.id);
    for (const c of listChunks(unknown)) {
      const rows = await this.db.query<{ id: string; lastSeen: number; intervalMs: number | null }>(
        `SELECT id, last_seen AS "lastSeen", interval_ms AS "intervalMs" FROM nodes WHERE id IN (${c.sql})`,
        c.values,
      );
      for (const r of rows) this.seen.set(r.id, { written: r.lastSeen, seen: r.lastSeen, intervalMs: r.intervalMs });
    }
    const due: unknown[][] = [];
    for (const { id, intervalMs } of nodes) {
      let c = this.seen.get(id);
      if (!c || (intervalMs !== null && intervalMs !== c.intervalMs) || now - c.written >= LAST_SEEN_WRITE_MS) {
        due.push([id, now, now, intervalMs]);
        c = { written: Math.max(c?.written ?? now, now), seen: c?.seen ?? now, intervalMs: intervalMs ?? c?.intervalMs ?? null };
      }
      c.seen = Math.max(c.seen, now);
      this.seen.set(id, c);
    }
    for (const c of valueChunks(due)) await this.db.run(`INSERT INTO nodes (id, first_seen, last_seen, interval_ms) VALUES ${c.sql} ${this.upsertTouch}`, c.values);
  }

  private withSeen(r: RawNodeRow): NodeRow {
    const seen = this.seen.get(r.id)?.seen;
    return toRow(seen !== undefined && seen > r.lastSeen ? { ...r, lastSeen: seen } : r);
  }

  async get(id: string): Promise<NodeRow | null> {
    const [r] = await this.db.query<RawNodeRow>(`${this.select} WHERE nodes.id = $1`, [id]);
    return r ? this.withSeen(r) : null;
  }

  async list(): Promise<NodeRow[]> {
    return (await this.db.query<RawNodeRow>(`${this.select} ORDER BY ${bytewise(this.db.dialect, "nodes.id")}`)).map((r) => this.withSeen(r));
  }

  /** The fleet node that announced this MAC in its hello, or null. */
  async resolveMac(mac: string): Promise<string | null> {
    const [r] = await this.db.query<{ nodeId: string }>(`SELECT node_id AS "nodeId" FROM node_macs WHERE mac = $1`, [mac.toLowerCase()]);
    return r?.nodeId ?? null;
  }

  /** The fleet node owning this (link-local) address, or null. */
  async resolveAddress(address: string): Promise<string | null> {
    const [r] = await this.db.query<{ nodeId: string }>(`SELECT node_id AS "nodeId" FROM node_addresses WHERE address = $1 ORDER BY updated_at DESC LIMIT 1`, [
      address.toLowerCase().replace(/%.*$/, ""),
    ]);
    return r?.nodeId ?? null;
  }

  macsOf(id: string): Promise<{ mac: string; iface: string }[]> {
    const d = this.db.dialect;
    return this.db.query(`SELECT mac, iface FROM node_macs WHERE node_id = $1 ORDER BY ${bytewise(d, "iface")}, ${bytewise(d, "mac")}`, [id]);
  }

  addressesOf(id: string): Promise<{ iface: string; address: string }[]> {
    const d = this.db.dialect;
    return this.db.query(`SELECT iface, address FROM node_addresses WHERE node_id = $1 ORDER BY ${bytewise(d, "iface")}, ${bytewise(d, "address")}`, [id]);
  }

  /** The whole address -> node map (link-local addresses from hellos). */
  async addressMap(): Promise<Map<string, string>> {
    const m = new Map<string, string>();
    for (const r of await this.db.query<{ address: string; nodeId: string }>(`SELECT address, node_id AS "nodeId" FROM node_addresses ORDER BY updated_at`)) m.set(r.address, r.nodeId);
    return m;
  }

  /** The whole MAC -> node map (for building a topology in one pass). */
  async macMap(): Promise<Map<string, string>> {
    return new Map((await this.db.query<{ mac: string; nodeId: string }>(`SELECT mac, node_id AS "nodeId" FROM node_macs`)).map((r) => [r.mac, r.nodeId]));
  }
}
