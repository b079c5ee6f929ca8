import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { buildSnapshot } from "../../testing";
import { writeBatch } from "../ingest/writer";
import { foldRollups, foldSnapshots, type AggMap } from "./rollup-fold";
import { openStore, type Store, type StoreOptions } from "./store";
import { FakeClock, HOUR_MS, MINUTE_MS, QUARTER_MS } from "./types";

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0); // hour-aligned
const END = T0 + 100 * MINUTE_MS;
const NODES = ["n1", "n2", "n3"];
/** Node n's snapshot i: n + 1 stations (n3 only from minute 20 on), signals that move with the node, the round and the station. */
const snapshotOf = (n: number, i: number) =>
  buildSnapshot({ node: NODES[n]!, boot: "boot-0001", seq: i + 1, ts: T0 + i * 10_000 + n * 1_000, signal: (k) => -40 - n - ((i * 3 + k) % 11), profile: { stations: n + 1 } });
const rounds = (END - T0) / 10_000;
const sends = Array.from({ length: rounds * NODES.length }, (_, j) => ({ n: j % NODES.length, i: Math.floor(j / NODES.length) })).filter(({ n, i }) => n < 2 || i >= 120);
/** A snapshot of n1 that arrives late, in the first hour's minute 45 (rolled up into the hour's row and packed by then, its raw rows kept). */
const late = buildSnapshot({ node: "n1", boot: "boot-0000", seq: 1, ts: T0 + 45 * MINUTE_MS + 30_001, signal: -90, profile: { stations: 2 } });

/**
 * Maintenance does the hour rows, the coarse levels, the minutes whose raw rows retention is
 * about to prune and the windows it packs node by node in one go, each node's raw rows decoded
 * and its minutes folded once for all of them. Whatever the passes share, every level must hold
 * what folding the raw rows gives: checked against a store that never ran maintenance.
 */
describe("SQLite maintenance: every level as folding the raw rows gives, however the passes fall", () => {
  let dir: ReturnType<typeof tempDir>;
  let clock: FakeClock;
  const open: Store[] = [];
  const storeAt = (name: string, o: Partial<StoreOptions> = {}) => {
    const s = openStore({ file: `${dir.path}/${name}.sqlite`, clock, ...o });
    open.push(s);
    return s;
  };
  const send = (s: Store, msg: ReturnType<typeof buildSnapshot>) => writeBatch(s, [{ kind: "snapshot", msg }], msg.ts);
  const plain = (rows: Iterable<{ bucket: number; data: AggMap }>) => [...rows].map((r) => ({ bucket: r.bucket, data: r.data }));

  /** The store's minutes, quarters and hours of every node, and its raw rows from `rawFrom`, against the reference's. */
  const expectLevelsAsReference = (s: Store, ref: Store, rawFrom: number) => {
    const w = s.sync.maintenance.watermarks();
    expect(w).toMatchObject({ minute: T0 + 90 * MINUTE_MS, quarter: T0 + 90 * MINUTE_MS, hour: T0 + HOUR_MS });
    for (const node of NODES) {
      const minutes = foldSnapshots(ref.sync.telemetry.range(node, T0, w.minute!), MINUTE_MS);
      expect(plain(s.sync.minutes.range(node, T0, w.minute!))).toEqual(plain([...minutes].map(([bucket, data]) => ({ bucket, data }))));
      for (const [level, ms, to] of [["quarter", QUARTER_MS, w.quarter!], ["hour", HOUR_MS, w.hour!]] as const) {
        expect(plain(s.sync.rollups.range(level, node, T0, to))).toEqual(plain([...foldRollups(plain([...minutes].map(([bucket, data]) => ({ bucket, data }))), ms)].filter(([b]) => b < to).map(([bucket, data]) => ({ bucket, data }))));
      }
      const raw = (x: Store) => [...x.sync.telemetry.range(node, rawFrom, END)].map((r) => ({ ts: r.ts, seq: r.seq, data: r.data }));
      expect(raw(s)).toEqual(raw(ref));
    }
  };

  beforeEach(() => {
    dir = tempDir("mf-maintenance-pass-");
    clock = new FakeClock(T0);
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
    dir.cleanup();
  });

  it("a pass every 30 s and passes only at the end leave the same rows, a late snapshot folded into every level", async () => {
    const ref = storeAt("reference");
    const opts = { retention: { rawMs: HOUR_MS } };
    const often = storeAt("every-30s", opts);
    const once = storeAt("at-the-end", opts);
    let pass = T0 + 30_000;
    for (const { n, i } of sends) {
      const msg = snapshotOf(n, i);
      for (; pass <= msg.ts; pass += 30_000) await often.maintenance.run(pass);
      for (const s of [ref, often, once]) await send(s, msg);
    }
    await often.maintenance.run(END);
    // One pass at the end: the first hour's row, every quarter and the hour in one go; the
    // windows packed after retention pruned (rows of them are older than the raw cutoff).
    const r = await once.maintenance.run(END);
    expect(r).toMatchObject({ quarterBuckets: 6 + 6 + 5, hourBuckets: 3 });
    expect(r.prunedRaw).toBeGreaterThan(0);
    for (const s of [often, once]) expectLevelsAsReference(s, ref, END - HOUR_MS);

    for (const s of [ref, often, once]) await send(s, late);
    for (const s of [often, once]) await s.maintenance.run(END + 30_000);
    for (const s of [often, once]) expectLevelsAsReference(s, ref, END - HOUR_MS);
    const [hour] = plain(often.sync.rollups.range("hour", "n1", T0, T0 + HOUR_MS));
    expect(hour!.data[`signal|${late.stations.data!.stations[0]!.mac}`]).toMatchObject([-90, -40, expect.any(Number), 361]);
  });
});
