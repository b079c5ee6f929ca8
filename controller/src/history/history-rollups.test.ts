import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { constants, deflateRawSync } from "node:zlib";
import { tempDir } from "@meshfleet/testkit";
import { FakeClock, HOUR_MS, openStore, type Store } from "../store/index";
import Database from "better-sqlite3";
import { decodeAgg, encodeAgg } from "../store/rollup-codec";
import type { AggMap } from "../store/rollup-fold";
import { silentLogger } from "../log";
import { Registry } from "../metrics/registry";
import { writeBatch } from "../ingest/writer";
import { buildSnapshot } from "../../testing";
import { createApi } from "../api/app";

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0); // hour-aligned
const END = T0 + 3 * HOUR_MS;
const STATION = (i: number) => `0a:11:22:33:00:${i.toString(16).padStart(2, "0")}`;

/** A rollup row as the store wrote it before per-metric segments: the whole AggMap's JSON, deflated. */
const legacyRow = (data: AggMap): Buffer => deflateRawSync(`${JSON.stringify(data)}\n`, { finishFlush: constants.Z_FULL_FLUSH });

/** What the API answers for history and series over the rollups, every query by its path. */
const QUERIES = [
  ...["1h", "5m", "1m", "7m"].flatMap((step) => [
    `/api/history?node=n1&metric=signal&key=${STATION(0)}&from=${T0}&to=${END}&step=${step}`,
    `/api/history?node=n1&metric=signal&key=${STATION(3).toUpperCase()}&from=${T0 + 90_000}&to=${END}&step=${step}`,
    `/api/history?node=n1&metric=txBitrate&key=${STATION(1)}&from=${T0}&to=${END}&step=${step}`,
    `/api/history?node=n2&metric=pathMetric&key=${STATION(0)}&from=${T0}&to=${END}&step=${step}`,
    `/api/nodes/n1/series?metric=signal&from=${T0}&to=${END}&step=${step}`,
    `/api/nodes/n2/series?metric=counterByteRate&from=${T0}&to=${END}&step=${step}`,
    `/api/nodes/n1/series?metric=routeMetric&from=${T0}&to=${END}&step=${step}`,
  ]),
  `/api/history?node=n1&metric=radioBusy&key=wlan0&from=${T0}&to=${END}&step=1h`,
];

describe("history answers over rollup rows of either format", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let app: ReturnType<typeof createApi>;
  const answers = async () => {
    const out: Record<string, unknown> = {};
    for (const path of QUERIES) {
      const r = await app.request(path);
      expect(r.status, path).toBe(200);
      out[path] = await r.json();
    }
    return out;
  };
  /** Re-encodes every rollup row of the database, through a second connection. */
  const rewriteRollups = (encode: (data: AggMap, i: number) => Buffer | string) => {
    const db = new Database(store.file);
    try {
      for (const table of ["rollups_minute", "rollups_hour"]) {
        const rows = db.prepare(`SELECT rowid, data FROM ${table}`).all() as { rowid: number; data: Buffer | string }[];
        const put = db.prepare(`UPDATE ${table} SET data = ? WHERE rowid = ?`);
        rows.forEach((r, i) => put.run(encode(decodeAgg(r.data), i), r.rowid));
      }
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    dir = tempDir("mf-history-rollups-");
    const clock = new FakeClock(T0);
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    app = createApi({ store, clock, log: silentLogger, registry: new Registry(), openAlertCounts: () => new Map() });
    for (let c = 0; c < (3 * HOUR_MS) / 30_000; c++) {
      const ts = T0 + c * 30_000;
      clock.set(ts);
      const signal = (i: number) => -50 - i - ((c * 7 + i) % 5);
      await writeBatch(
        store,
        [
          { kind: "snapshot", msg: buildSnapshot({ node: "n1", seq: c + 1, ts, signal }) },
          { kind: "snapshot", msg: buildSnapshot({ node: "n2", seq: c + 1, ts, signal, peers: [STATION(0)], paths: [[STATION(0), STATION(0)]] }) },
        ],
        ts,
      );
    }
    clock.set(END + HOUR_MS);
    await store.maintenance.run(END + HOUR_MS);
  }, 60_000);
  afterAll(() => {
    store.close();
    dir.cleanup();
  });

  it("answers the same from rows written now, rows written before, and a mix of both", async () => {
    const now = await answers();
    // the queries do read rollups, and find points in them
    const first = now[QUERIES[0]!] as { source: string; points: unknown[] };
    expect(first.source).toBe("hour");
    expect(first.points).toHaveLength(3);
    for (const path of QUERIES.filter((p) => p.startsWith("/api/history?node=n1&metric=signal"))) expect((now[path] as { points: unknown[] }).points.length, path).toBeGreaterThan(0);

    rewriteRollups(legacyRow);
    expect(await answers()).toEqual(now);
    rewriteRollups((data, i) => (i % 3 === 0 ? JSON.stringify(data) : i % 3 === 1 ? legacyRow(data) : encodeAgg(data)));
    expect(await answers()).toEqual(now);
  });
});
