import type { Database, Statement } from "better-sqlite3";
import type { Hello } from "@meshfleet/shared";

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

// last_seen is written lazily (`touch`): the receive time of the node's current snapshot counts too.
const SELECT = `SELECT id, first_seen AS firstSeen, max(last_seen, coalesce(s.received_at, 0)) AS lastSeen, last_hello_at AS lastHelloAt,
  last_boot AS lastBoot, agent_version AS agentVersion, protocol_version AS protocolVersion, capabilities, mode, hostname,
  board_name AS boardName, model, release, nodes.interval_ms AS intervalMs, tags FROM nodes LEFT JOIN node_state s ON s.node_id = nodes.id`;

/**
 * How stale `nodes.last_seen` may get on disk (ms). A node's row holds its hello (a page or
 * more of its own), so writing it for every snapshot cost a page per snapshot; reads add the
 * current snapshot's receive time and what this process saw since (`seen`).
 */
export const LAST_SEEN_WRITE_MS = 5 * 60_000;

function toRow(r: RawNodeRow): NodeRow {
  return { ...r, capabilities: JSON.parse(r.capabilities) as string[], tags: JSON.parse(r.tags) as string[] };
}

/** Nodes, their MACs and link-local addresses (from hellos). */
export class NodesRepository {
  /** Per node: last_seen as written, as seen by this process, and interval_ms as written. */
  private readonly seen = new Map<string, { written: number; seen: number; intervalMs: number | null }>();
  private readonly s: Record<"upsertHello" | "touch" | "seenOf" | "delMacs" | "putMac" | "delAddrs" | "putAddr" | "get" | "list" | "mac" | "address" | "allMacs" | "macsOf" | "addrsOf" | "addrAll", Statement>;

  constructor(db: Database) {
    this.s = {
      upsertHello: db.prepare(`INSERT INTO nodes (id, first_seen, last_seen, last_hello_at, last_boot, agent_version, protocol_version,
          capabilities, mode, hostname, board_name, model, release, interval_ms, tags, hello)
        VALUES (@id, @now, @now, @now, @boot, @agentVersion, @protocolVersion, @capabilities, @mode, @hostname, @boardName, @model,
          @release, @intervalMs, @tags, @hello)
        ON CONFLICT (id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen), last_hello_at = excluded.last_hello_at,
          last_boot = excluded.last_boot, agent_version = excluded.agent_version, protocol_version = excluded.protocol_version,
          capabilities = excluded.capabilities, mode = excluded.mode, hostname = excluded.hostname, board_name = excluded.board_name,
          model = excluded.model, release = excluded.release, interval_ms = excluded.interval_ms, tags = excluded.tags, hello = excluded.hello`),
      touch: db.prepare(`INSERT INTO nodes (id, first_seen, last_seen, interval_ms) VALUES (?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen), interval_ms = coalesce(excluded.interval_ms, interval_ms)`),
      seenOf: db.prepare("SELECT last_seen AS lastSeen, interval_ms AS intervalMs FROM nodes WHERE id = ?"),
      delMacs: db.prepare("DELETE FROM node_macs WHERE node_id = ?"),
      putMac: db.prepare(`INSERT INTO node_macs (mac, node_id, iface, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (mac) DO UPDATE SET node_id = excluded.node_id, iface = excluded.iface, updated_at = excluded.updated_at`),
      delAddrs: db.prepare("DELETE FROM node_addresses WHERE node_id = ?"),
      putAddr: db.prepare("INSERT OR REPLACE INTO node_addresses (node_id, iface, address, updated_at) VALUES (?, ?, ?, ?)"),
      get: db.prepare(`${SELECT} WHERE nodes.id = ?`),
      list: db.prepare(`${SELECT} ORDER BY nodes.id`),
      mac: db.prepare("SELECT node_id AS nodeId FROM node_macs WHERE mac = ?"),
      address: db.prepare("SELECT node_id AS nodeId FROM node_addresses WHERE address = ? ORDER BY updated_at DESC LIMIT 1"),
      allMacs: db.prepare("SELECT mac, node_id AS nodeId FROM node_macs"),
      macsOf: db.prepare("SELECT mac, iface FROM node_macs WHERE node_id = ? ORDER BY iface, mac"),
      addrAll: db.prepare("SELECT address, node_id AS nodeId FROM node_addresses ORDER BY updated_at"),
      addrsOf: db.prepare("SELECT iface, address FROM node_addresses WHERE node_id = ? ORDER BY iface, address"),
    };
  }

  /** Records a hello: node identity, versions, board, MACs and link-local addresses (call inside a transaction). */
  applyHello(h: Hello, now: number): void {
    this.seen.delete(h.node);
    const rel = h.board?.release;
    this.s.upsertHello.run({
      id: h.node,
      now,
      boot: h.boot,
      agentVersion: h.agentVersion,
      protocolVersion: h.protocolVersion,
      capabilities: JSON.stringify(h.capabilities),
      mode: h.mode,
      hostname: h.hostname,
      boardName: h.board?.boardName ?? null,
      model: h.board?.model ?? null,
      release: rel ? [rel.distribution, rel.version].filter(Boolean).join(" ") || null : null,
      intervalMs: h.intervalMs,
      tags: JSON.stringify(h.tags),
      hello: JSON.stringify(h),
    });
    this.s.delMacs.run(h.node);
    this.s.delAddrs.run(h.node);
    for (const i of h.interfaces) {
      if (i.mac) this.s.putMac.run(i.mac.toLowerCase(), h.node, i.name, now);
      for (const a of i.linkLocal) this.s.putAddr.run(h.node, i.name, a.toLowerCase(), now);
    }
  }

  /**
   * Marks a node as heard from (creates it on its first snapshot). Writes the row only when
   * it is new, its interval changed or its last_seen on disk is `LAST_SEEN_WRITE_MS` old.
   */
  touch(id: string, now: number, intervalMs: number | null): void {
    let c = this.seen.get(id);
    if (!c) {
      const r = this.s.seenOf.get(id) as { lastSeen: number; intervalMs: number | null } | undefined;
      if (r) c = { written: r.lastSeen, seen: r.lastSeen, intervalMs: r.intervalMs };
    }
    if (!c || (intervalMs !== null && intervalMs !== c.intervalMs) || now - c.written >= LAST_SEEN_WRITE_MS) {
      this.s.touch.run(id, now, now, intervalMs);
      c = { written: Math.max(c?.written ?? now, now), seen: c?.seen ?? now, intervalMs: intervalMs ?? c?.intervalMs ?? null };
    }
    c.seen = Math.max(c.seen, now);
    this.seen.set(id, c);
  }

  private withSeen(r: RawNodeRow): NodeRow {
    const seen = this.seen.get(r.id)?.seen;
    return toRow(seen !== undefined && seen > r.lastSeen ? { ...r, lastSeen: seen } : r);
  }

  get(id: string): NodeRow | null {
    const r = this.s.get.get(id) as RawNodeRow | undefined;
    return r ? this.withSeen(r) : null;
  }

  list(): NodeRow[] {
    return (this.s.list.all() as RawNodeRow[]).map((r) => this.withSeen(r));
  }

  /** The fleet node that announced this MAC in its hello, or null. */
  resolveMac(mac: string): string | null {
    const r = this.s.mac.get(mac.toLowerCase()) as { nodeId: string } | undefined;
    return r?.nodeId ?? null;
  }

  /** The fleet node owning this (link-local) address, or null. */
  resolveAddress(address: string): string | null {
    const r = this.s.address.get(address.toLowerCase().replace(/%.*$/, "")) as { nodeId: string } | undefined;
    return r?.nodeId ?? null;
  }

  macsOf(id: string): { mac: string; iface: string }[] {
    return this.s.macsOf.all(id) as { mac: string; iface: string }[];
  }

  addressesOf(id: string): { iface: string; address: string }[] {
    return this.s.addrsOf.all(id) as { iface: string; address: string }[];
  }

  /** The whole address -> node map (link-local addresses from hellos). */
  addressMap(): Map<string, string> {
    const m = new Map<string, string>();
    for (const r of this.s.addrAll.all() as { address: string; nodeId: string }[]) m.set(r.address, r.nodeId);
    return m;
  }

  /** The whole MAC -> node map (for building a topology in one pass). */
  macMap(): Map<string, string> {
    return new Map((this.s.allMacs.all() as { mac: string; nodeId: string }[]).map((r) => [r.mac, r.nodeId]));
  }
}
