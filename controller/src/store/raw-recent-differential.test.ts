import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { tempDir } from "@meshfleet/testkit";
import { seededRandom, type Snapshot } from "@meshfleet/shared";
import { buildHello, buildSnapshot, macOf } from "../../testing";
import { silentLogger } from "../log";
import { Registry } from "../metrics/registry";
import { writeBatch } from "../ingest/writer";
import { createApi } from "../api/app";
import type { IngestItem } from "../ingest/decode";
import { FakeClock, HOUR_MS, MINUTE_MS, type RetentionConfig } from "./types";
import { openStore, type Store } from "./store";
import { RAW_RECENT_SLOTS } from "./raw-recent-slots";

/**
 * Recent raw rows stored as deltas answer exactly what rows stored whole answer: two
 * stores, one with deltas (the default) and one without (every row whole, as before
 * deltas), get the same long simulated run: batches of several nodes, redeliveries, late
 * snapshots (some after their window was packed), a reboot, a node silent for an hour,
 * restarts of both stores (their delta bases forgotten), maintenance passes with packing,
 * and a phase with a raw retention shorter than a window (rows pruned under their deltas).
 * After each phase every API answer that reads raw rows, and every store read, is compared.
 */
const T0 = Date.UTC(2026, 0, 1);
const NODES = ["ap-a", "ap-b", "ap-c"];

interface Side {
  store: Store;
  app: ReturnType<typeof createApi>;
}

describe("recent raw rows as deltas (differential)", () => {
  let dir: ReturnType<typeof tempDir>;
  const clock = new FakeClock(T0);
  let sides: Side[] = [];

  const open = (retention?: Partial<RetentionConfig>): Side[] =>
    [true, false].map((rawDeltas) => {
      const store = openStore({ file: `${dir.path}/${rawDeltas ? "delta" : "whole"}.sqlite`, clock, rawDeltas, ...(retention ? { retention } : {}) });
      return { store, app: createApi({ store, clock, log: silentLogger, registry: new Registry() }) };
    });
  const closeAll = () => {
    for (const s of sides) s.store.close();
    sides = [];
  };

  beforeEach(() => {
    dir = tempDir("mf-raw-diff-");
    clock.set(T0);
    sides = open();
  });
  afterEach(() => {
    closeAll();
    dir.cleanup();
  });

  const both = async (items: IngestItem[], at: number) => {
    for (const s of sides) await writeBatch(s.store, items, at);
  };
  const maintain = async (now: number) => {
    const reports = [];
    for (const s of sides) reports.push(await s.store.maintenance.run(now));
    expect(reports[0]).toEqual(reports[1]);
  };

  /** Every answer that reads raw rows, from one side. */
  const answers = async (s: Side, from: number, to: number) => {
    const get = async (path: string) => {
      const r = await s.app.request(path);
      return { status: r.status, body: (await r.json()) as unknown };
    };
    const out: Record<string, unknown> = { nodes: await get("/api/nodes"), topology: await get("/api/topology") };
    for (let t = from; t < to; t += 17 * MINUTE_MS) out[`topology@${t}`] = await get(`/api/topology?at=${t}`);
    for (const n of NODES) {
      out[n] = await get(`/api/nodes/${n}`);
      for (const l of ["stations", "mesh-paths", "neighbors", "routes?all=1", "counters", "radios"]) out[`${n}/${l}`] = await get(`/api/nodes/${n}/${l}`);
      for (let t = from; t < to; t += 6 * HOUR_MS) {
        const end = Math.min(to, t + 6 * HOUR_MS);
        for (const [metric, key] of [["signal", "0a:11:22:33:00:03"], ["counterByteRate", "rule:inet:fw4:input_wan:!fw4: rule-2"], ["pathMetric", "0a:aa:00:00:00:01"]] as const) {
          for (const step of [0, MINUTE_MS]) out[`${n}/${metric}/${t}/${step}`] = await get(`/api/history?node=${n}&metric=${metric}&key=${encodeURIComponent(key)}&from=${t}&to=${end}&step=${step}`);
        }
        out[`${n}/series/${t}`] = await get(`/api/nodes/${n}/series?metric=signal&from=${t}&to=${end}`);
      }
      const rows = await s.store.telemetry.range(n, 0, to + HOUR_MS);
      out[`${n}/range`] = rows;
      out[`${n}/byId`] = await Promise.all(rows.map((r) => s.store.telemetry.rawById(r.id)));
      for (let t = from; t < to; t += 7 * MINUTE_MS) out[`${n}/at/${t}`] = await s.store.telemetry.at(n, t);
      for (const limit of [1, 5, 50]) out[`${n}/newest/${limit}`] = await s.store.telemetry.newest(n, from, to, limit);
      out[`${n}/latest`] = await s.store.telemetry.latest(n);
    }
    return out;
  };
  const same = async (from: number, to: number) => {
    const [a, b] = await Promise.all(sides.map((s) => answers(s, from, to)));
    expect(Object.keys(a!).length).toBeGreaterThan(50);
    for (const k of Object.keys(b!)) expect(a![k], k).toEqual(b![k]);
    return a!;
  };

  it("answers every read identically, through packing, pruning, late rows, redeliveries and restarts", async () => {
    const rand = seededRandom(17);
    const boots = new Map(NODES.map((n) => [n, { boot: "boot-1", seq: 0 }]));
    const sent: Snapshot[] = [];
    const held: Snapshot[] = [];
    await both(NODES.map((n, i) => ({ kind: "hello", msg: buildHello({ node: n, ts: T0, macs: [macOf(i)] }) })), T0);
    let nextPass = T0 + 5 * MINUTE_MS;

    const run = async (fromCycle: number, toCycle: number, silent: (n: string, c: number) => boolean) => {
      for (let c = fromCycle; c < toCycle; c++) {
        const now = T0 + c * 30_000;
        clock.set(now);
        if (now >= nextPass) {
          await maintain(now);
          nextPass += 5 * MINUTE_MS;
        }
        const items: IngestItem[] = [];
        for (const [i, n] of NODES.entries()) {
          if (silent(n, c)) continue;
          const b = boots.get(n)!;
          if (c === 200 && n === "ap-b") boots.set(n, { boot: "boot-2", seq: 0 }); // a reboot: seq and counters start over
          const cur = boots.get(n)!;
          cur.seq++;
          const stations = 3 + Math.floor(rand() * 3);
          const s = buildSnapshot({
            node: n,
            boot: cur.boot,
            seq: cur.seq,
            ts: now - i * 1000,
            profile: { stations, meshPaths: 2 + (c % 2), routes: 3, counters: 3 },
            signal: (k) => -40 - Math.floor(rand() * 30) - k,
            counterBytes: (k) => (cur.boot === b.boot ? cur.seq : 1) * 700 * (k + 1) + Math.floor(rand() * 50),
          });
          if (rand() < 0.05) held.push(s);
          else items.push({ kind: "snapshot", msg: s });
          sent.push(s);
        }
        if (rand() < 0.1 && sent.length > 5) items.push({ kind: "snapshot", msg: sent[sent.length - 1 - Math.floor(rand() * 5)]! }); // redelivery
        if (held.length > 0 && rand() < 0.03) items.push(...held.splice(0).map((msg) => ({ kind: "snapshot" as const, msg }))); // late, some after packing
        if (items.length > 0) await both(items, now);
      }
    };

    // Phase 1: 4 h, ap-c silent for an hour (its current row outlives its window's base).
    await run(0, 480, (n, c) => n === "ap-c" && c >= 100 && c < 220);
    await both(
      held.splice(0).map((msg) => ({ kind: "snapshot", msg })),
      clock.now(),
    );
    await maintain(clock.now() + HOUR_MS);
    const first = await same(T0, T0 + 4 * HOUR_MS);
    expect((first["ap-a/range"] as unknown[]).length).toBeGreaterThan(400);
    expect((await sides[0]!.store.rowCounts()).raw_blocks).toBeGreaterThan(10);

    // Phase 2: both stores restart (delta bases forgotten) with a raw retention shorter than a window.
    closeAll();
    sides = open({ rawMs: 20 * MINUTE_MS });
    await run(480, 720, () => false);
    // The run did reach what it is about: deltas in use, rows in blocks and recent rows.
    const deltasIn = (side: (typeof sides)[number]) =>
      RAW_RECENT_SLOTS.reduce((n, t) => n + side.store.db.get<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${t} WHERE base_id IS NOT NULL`)).n, 0);
    expect(deltasIn(sides[0]!)).toBeGreaterThan(20);
    expect(deltasIn(sides[1]!)).toBe(0);
    await same(T0, T0 + 6 * HOUR_MS);
    await maintain(clock.now() + 10 * MINUTE_MS);
    await same(T0, T0 + 6 * HOUR_MS);
    expect(sent.length).toBeGreaterThan(2000);

    // Both hold the same rows (recent, blocks, rollups).
    const [delta, whole] = await Promise.all(sides.map((s) => s.store.rowCounts()));
    expect(delta).toEqual(whole);
  }, 240_000);
});
