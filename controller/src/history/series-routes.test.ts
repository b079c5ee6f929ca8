import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { FakeClock, MINUTE_MS, openStore, type Store } from "../store/index";
import { silentLogger } from "../log";
import { Registry } from "../metrics/registry";
import { writeBatch } from "../ingest/writer";
import { buildHello, buildSnapshot } from "../../testing";
import { createApi } from "../api/app";

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0); // hour-aligned
const MAC_A = "02:00:00:00:0a:01";
const MAC_B = "02:00:00:00:0b:01";
const CLIENT = "0a:11:22:33:00:01"; // station 1 of the builder
const COUNTER = "rule:inet:fw4:input_wan:!fw4: rule-0";

/**
 * ap-a every 10 s for three minutes (seq 1..18 at T0 + (seq-1) * 10 s): mesh peer ap-b
 * at -40 - seq dBm, a client at -60 dBm that leaves after seq 12, one counter growing
 * 1000 bytes per snapshot (100 B/s).
 */
describe("GET /api/nodes/:id/series", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let clock: FakeClock;
  let app: ReturnType<typeof createApi>;
  const get = async (path: string) => {
    const r = await app.request(path);
    return { status: r.status, body: (await r.json()) as any };
  };

  beforeEach(async () => {
    dir = tempDir("mf-series-");
    clock = new FakeClock(T0 + 3 * MINUTE_MS);
    store = openStore({ file: `${dir.path}/c.sqlite`, clock, rollupEveryMs: MINUTE_MS });
    app = createApi({ store, clock, log: silentLogger, registry: new Registry() });
    await writeBatch(
      store,
      [
        { kind: "hello", msg: buildHello({ node: "ap-a", ts: T0, macs: [MAC_A] }) },
        { kind: "hello", msg: buildHello({ node: "ap-b", ts: T0, macs: [MAC_B] }) },
      ],
      T0,
    );
    for (let seq = 1; seq <= 18; seq++) {
      const ts = T0 + (seq - 1) * 10_000;
      const profile = { stations: seq <= 12 ? 2 : 1, counters: 1, meshPaths: 0, routes: 0, neighbors: 0 };
      const msg = buildSnapshot({ node: "ap-a", seq, ts, peers: [MAC_B], profile, signal: (i) => (i === 0 ? -40 - seq : -60) });
      await writeBatch(store, [{ kind: "snapshot", msg }], ts);
    }
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  it("serves every station's signal on one time axis, raw, the peer named by its node", async () => {
    const r = await get(`/api/nodes/ap-a/series?metric=signal&from=${T0}&to=${T0 + 60_000}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      node: "ap-a",
      metric: "signal",
      from: T0,
      to: T0 + 60_000,
      step: 0,
      limit: 500,
      source: "raw",
      ts: [0, 1, 2, 3, 4, 5].map((k) => T0 + k * 10_000),
      series: [
        { key: MAC_B, node: "ap-b", values: [-41, -42, -43, -44, -45, -46] },
        { key: CLIENT, node: null, values: [-60, -60, -60, -60, -60, -60] },
      ],
      truncated: false,
    });
  });

  it("leaves a gap (null) where a station has gone, and keeps the newest samples over the limit", async () => {
    const gap = await get(`/api/nodes/ap-a/series?metric=signal&from=${T0 + 100_000}&to=${T0 + 180_000}`);
    expect(gap.body.ts).toEqual([10, 11, 12, 13, 14, 15, 16, 17].map((k) => T0 + k * 10_000));
    expect(gap.body.series.map((s: any) => [s.key, s.values])).toEqual([
      [MAC_B, [-51, -52, -53, -54, -55, -56, -57, -58]],
      [CLIENT, [-60, -60, null, null, null, null, null, null]],
    ]);
    const newest = await get(`/api/nodes/ap-a/series?metric=signal&from=${T0}&to=${T0 + 180_000}&limit=4`);
    expect(newest.body.ts).toEqual([14, 15, 16, 17].map((k) => T0 + k * 10_000));
    expect(newest.body.series).toEqual([{ key: MAC_B, node: "ap-b", values: [-55, -56, -57, -58] }]);
    expect(newest.body.truncated).toBe(true);
    // The default window is the last hour before now.
    expect((await get("/api/nodes/ap-a/series?metric=signal")).body.ts).toHaveLength(18);
  });

  it("serves counter byte rates (none for the first sample, which has no previous one)", async () => {
    const r = await get(`/api/nodes/ap-a/series?metric=counterByteRate&from=${T0}&to=${T0 + 60_000}`);
    expect(r.body.ts).toEqual([1, 2, 3, 4, 5].map((k) => T0 + k * 10_000));
    expect(r.body.series).toEqual([{ key: COUNTER, node: null, values: [100, 100, 100, 100, 100] }]);
  });

  it("averages per step, the same from raw samples and from minute rollups", async () => {
    const q = `/api/nodes/ap-a/series?metric=signal&from=${T0}&to=${T0 + 3 * MINUTE_MS}&step=1m`;
    const expected = {
      source: "minute",
      step: MINUTE_MS,
      ts: [T0, T0 + MINUTE_MS, T0 + 2 * MINUTE_MS],
      series: [
        { key: MAC_B, node: "ap-b", values: [-43.5, -49.5, -55.5] },
        { key: CLIENT, node: null, values: [-60, -60, null] },
      ],
      truncated: false,
    };
    expect((await get(q)).body).toMatchObject(expected);
    clock.set(T0 + 6 * MINUTE_MS);
    expect((await store.maintenance.run(clock.now())).minuteBuckets).toBe(3);
    expect((await get(q)).body).toMatchObject(expected);
  });

  it("rejects bad windows, limits and parameters with 400, an unknown node with 404", async () => {
    const bad = [
      "metric=nope",
      `metric=signal&from=${T0}&to=${T0}`,
      "metric=signal&step=500",
      `metric=signal&from=${T0 - 25 * 3600_000}&to=${T0}`,
      `metric=signal&from=${T0 - 3 * 3600_000}&to=${T0}&step=5s`,
      "metric=signal&limit=0",
      "metric=signal&limit=2001",
      "metric=signal&node=ap-a",
      "",
    ];
    for (const q of bad) {
      const r = await get(`/api/nodes/ap-a/series?${q}`);
      expect([q, r.status, r.body.code]).toEqual([q, 400, "E_VALIDATION"]);
    }
    expect((await get("/api/nodes/ap-zz/series?metric=signal")).status).toBe(404);
    expect((await get(`/api/nodes/ap-a/series?metric=signal&from=${T0 - 23 * 3600_000}&to=${T0}&limit=2000`)).status).toBe(200);
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await get("/api/openapi.json")).body as { paths: Record<string, { get: { parameters: { name: string; required?: boolean }[] } }> };
    expect(doc.paths["/api/nodes/{id}/series"]!.get.parameters.map((p) => [p.name, p.required ?? false])).toEqual([
      ["id", true],
      ["metric", true],
      ["from", false],
      ["to", false],
      ["step", false],
      ["limit", false],
    ]);
  });
});
