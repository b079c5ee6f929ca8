import type { Hello } from "@meshfleet/shared";
import type { NodeRow } from "../nodes-repo";
import type { NodesStore } from "../store-api";
import { valueChunks } from "../sql/sql-db";
import type { PgDb } from "./pg-db";

const SELECT = `SELECT id, first_seen AS "firstSeen", last_seen AS "lastSeen", last_hello_at AS "lastHelloAt", last_boot AS "lastBoot",
  agent_version AS "agentVersion", protocol_version AS "protocolVersion", capabilities, mode, hostname, board_name AS "boardName",
  model, release, interval_ms AS "intervalMs", tags FROM nodes`;

type RawNodeRow = Omit<NodeRow, "capabilities" | "tags"> & { capabilities: string; tags: string };
const toRow = (r: RawNodeRow): NodeRow => ({ ...r, capabilities: JSON.parse(r.capabilities) as string[], tags: JSON.parse(r.tags) as string[] });

/** Nodes, their MACs and link-local addresses, on PostgreSQL (the twin of `nodes-repo.ts`; text sorts bytewise, as in SQLite). */
export class PgNodes implements NodesStore {
  constructor(private readonly db: PgDb) {}

  async applyHello(h: Hello, now: number): Promise<void> {
    const rel = h.board?.release;
    await this.db.run(
      `INSERT INTO nodes (id, first_seen, last_seen, last_hello_at, last_boot, agent_version, protocol_version, capabilities, mode, hostname,
          board_name, model, release, interval_ms, tags, hello)
        VALUES ($1, $2, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        ON CONFLICT (id) DO UPDATE SET last_seen = greatest(nodes.last_seen, excluded.last_seen), last_hello_at = excluded.last_hello_at,
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
    for (const i of h.interfaces) {
      if (i.mac) {
        await this.db.run(
          `INSERT INTO node_macs (mac, node_id, iface, updated_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (mac) DO UPDATE SET node_id = excluded.node_id, iface = excluded.iface, updated_at = excluded.updated_at`,
          [i.mac.toLowerCase(), h.node, i.name, now],
        );
      }
      for (const a of i.linkLocal) {
        await this.db.run(
          `INSERT INTO node_addresses (node_id, iface, address, updated_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (node_id, iface, address) DO UPDATE SET updated_at = excluded.updated_at`,
          [h.node, i.name, a.toLowerCase(), now],
        );
      }
    }
  }

  touch(id: string, now: number, intervalMs: number | null): Promise<void> {
    return this.touchMany([{ id, intervalMs }], now);
  }

  async touchMany(nodes: readonly { id: string; intervalMs: number | null }[], now: number): Promise<void> {
    for (const c of valueChunks(nodes.map((n) => [n.id, now, now, n.intervalMs]))) {
      await this.db.run(
        `INSERT INTO nodes (id, first_seen, last_seen, interval_ms) VALUES ${c.sql}
          ON CONFLICT (id) DO UPDATE SET last_seen = greatest(nodes.last_seen, excluded.last_seen), interval_ms = coalesce(excluded.interval_ms, nodes.interval_ms)`,
        c.values,
      );
    }
  }

  async get(id: string): Promise<NodeRow | null> {
    const [r] = await this.db.query<RawNodeRow>(`${SELECT} WHERE id = $1`, [id]);
    return r ? toRow(r) : null;
  }

  async list(): Promise<NodeRow[]> {
    return (await this.db.query<RawNodeRow>(`${SELECT} ORDER BY id COLLATE "C"`)).map(toRow);
  }

  async resolveMac(mac: string): Promise<string | null> {
    const [r] = await this.db.query<{ nodeId: string }>(`SELECT node_id AS "nodeId" FROM node_macs WHERE mac = $1`, [mac.toLowerCase()]);
    return r?.nodeId ?? null;
  }

  async resolveAddress(address: string): Promise<string | null> {
    const [r] = await this.db.query<{ nodeId: string }>(`SELECT node_id AS "nodeId" FROM node_addresses WHERE address = $1 ORDER BY updated_at DESC LIMIT 1`, [
      address.toLowerCase().replace(/%.*$/, ""),
    ]);
    return r?.nodeId ?? null;
  }

  macsOf(id: string): Promise<{ mac: string; iface: string }[]> {
    return this.db.query(`SELECT mac, iface FROM node_macs WHERE node_id = $1 ORDER BY iface COLLATE "C", mac COLLATE "C"`, [id]);
  }

  addressesOf(id: string): Promise<{ iface: string; address: string }[]> {
    return this.db.query(`SELECT iface, address FROM node_addresses WHERE node_id = $1 ORDER BY iface COLLATE "C", address COLLATE "C"`, [id]);
  }

  async addressMap(): Promise<Map<string, string>> {
    const m = new Map<string, string>();
    for (const r of await this.db.query<{ address: string; nodeId: string }>(`SELECT address, node_id AS "nodeId" FROM node_addresses ORDER BY updated_at`)) m.set(r.address, r.nodeId);
    return m;
  }

  async macMap(): Promise<Map<string, string>> {
    return new Map((await this.db.query<{ mac: string; nodeId: string }>(`SELECT mac, node_id AS "nodeId" FROM node_macs`)).map((r) => [r.mac, r.nodeId]));
  }
}
