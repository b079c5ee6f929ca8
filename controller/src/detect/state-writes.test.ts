import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { sql } from "drizzle-orm";
import type { Station } from "@meshfleet/shared";
import type { IngestItem } from "../ingest/decode";
import { writeBatch } from "../ingest/writer";
import { silentLogger } from "../log";
import { FakeClock, openStore, type Store } from "../store/index";
import { DetectionService } from "./service";
import { catchUpTimestamps, joinStations, splitStations, stablePresence } from "./state-timestamps";
import { snap, station } from "../../testing/detect";

const T0 = 1_700_000_000_000;
const PERIOD = 60_000;

describe("detector state writes (real SQLite store, plain calls)", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  const clock = new FakeClock(T0);
  const make = () => new DetectionService({ store, clock, log: silentLogger, timestampStatePeriodMs: PERIOD });
  /** What ingest and detection do with one snapshot of a node (r1 unless told) listing these stations. */
  const arrive = async (svc: DetectionService, seq: number, macs: string[], node = "r1", into: Store = store, peers: Station[] = []) => {
    const items: IngestItem[] = [{ kind: "snapshot", msg: snap({ node, ts: clock.now(), seq, stations: [...macs.map((m) => station(m)), ...peers] }) }];
    await writeBatch(into, items, clock.now());
    await svc.handle(items);
  };
  const updatedAt = (key: string) => store.db.get<{ updated_at: number } | undefined>(sql`SELECT updated_at FROM detect_state WHERE key = ${key}`)?.updated_at ?? null;

  beforeEach(async () => {
    dir = tempDir("mf-detect-state-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    clock.set(T0);
  });
  afterEach(async () => {
    store.close();
    dir.cleanup();
  });

  it("writes state that only moves timestamps once a period, any other change at once, and catches the timestamps up on load", async () => {
    const svc = make();
    await svc.load();
    await arrive(svc, 1, ["02:00:00:00:00:01"]);
    expect([updatedAt("node:r1"), updatedAt("presence"), updatedAt("stations")]).toEqual([T0, T0, T0]);
    clock.advance(10_000);
    await arrive(svc, 2, ["02:00:00:00:00:01"]);
    // same routes, same stations, only later: nothing rewritten
    expect([updatedAt("node:r1"), updatedAt("presence"), updatedAt("stations")]).toEqual([T0, T0, T0]);
    clock.advance(10_000);
    await arrive(svc, 3, ["02:00:00:00:00:01", "02:00:00:00:00:02"]);
    expect([updatedAt("presence"), updatedAt("stations"), updatedAt("stations-seen")]).toEqual([T0, T0 + 20_000, T0 + 20_000]);
    clock.advance(PERIOD);
    await arrive(svc, 4, ["02:00:00:00:00:01", "02:00:00:00:00:02"]);
    expect([updatedAt("presence"), updatedAt("stations"), updatedAt("stations-seen")]).toEqual([T0 + 80_000, T0 + 20_000, T0 + 80_000]);
    clock.advance(10_000);
    await arrive(svc, 5, ["02:00:00:00:00:01", "02:00:00:00:00:02"]);

    // a restarted controller (or one that crashed) sees the last snapshot's time again
    const again = make();
    await again.load();
    clock.advance(10_000);
    await arrive(again, 6, ["02:00:00:00:00:02", "02:00:00:00:00:03"]);
    const roamedOrLeft = (await again.repo.events({ node: "r1" })).filter((e) => e.ts === T0 + 100_000);
    expect(roamedOrLeft.map((e) => e.code).sort()).toEqual(["station_associated"]);
    const state = store.db.get<{ value: string }>(sql`SELECT value FROM detect_state WHERE key = 'stations'`);
    expect((JSON.parse(state.value) as { byMac: Record<string, { lastSeenTs: number; goneAt: number | null }> }).byMac["02:00:00:00:00:01"]).toEqual({ node: "r1", iface: "wlan0", lastSeenTs: T0 + 90_000, goneAt: T0 + 100_000 });
  });

  it("does not rewrite the node's or the stations' rows on snapshots that change nothing but time and samples, period after period", async () => {
    const svc = make();
    await svc.load();
    const macs = ["02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:03"];
    // a mesh peer whose signal and throughput move with every sample (link health keeps those, in its own row)
    const peer = (seq: number) => [station("0a:00:00:00:00:77", { plink: "ESTAB", signal: -60 - (seq % 3), tput: 100 + seq })];
    await arrive(svc, 1, macs, "r1", store, peer(1));
    await arrive(svc, 1, ["02:00:00:00:00:09"], "r2");
    for (let seq = 2; seq <= 30; seq++) {
      clock.advance(10_000);
      await arrive(svc, seq, macs, "r1", store, peer(seq));
      await arrive(svc, seq, ["02:00:00:00:00:09"], "r2");
    }
    expect([updatedAt("node:r1"), updatedAt("node:r2"), updatedAt("stations")]).toEqual([T0, T0, T0]);
    // only the small row of per-node times follows the clock, once a period
    expect(updatedAt("stations-seen")).toBe(T0 + 240_000);
    const row = JSON.parse(store.db.get<{ value: string }>(sql`SELECT value FROM detect_state WHERE key = 'stations'`).value) as { byMac: Record<string, object> };
    expect(Object.values(row.byMac).every((w) => !("lastSeenTs" in w))).toBe(true);
  });

  it("a controller restarted after several unchanged snapshots detects what one that kept running detects", async () => {
    const other = openStore({ file: `${dir.path}/other.sqlite`, clock });
    try {
      const kept = make();
      const kept2 = new DetectionService({ store: other, clock, log: silentLogger, timestampStatePeriodMs: PERIOD });
      await kept.load();
      await kept2.load();
      const both = async (seq: number, macs: string[], node: string) => {
        await arrive(kept, seq, macs, node, store);
        await arrive(kept2, seq, macs, node, other);
      };
      const macs = ["02:00:00:00:00:01", "02:00:00:00:00:02"];
      await both(1, macs, "r1");
      await both(1, [], "r2");
      // several unchanged snapshots, past one period and some way into the next
      for (let seq = 2; seq <= 10; seq++) {
        clock.advance(10_000);
        await both(seq, macs, "r1");
        await both(seq, [], "r2");
      }
      const restarted = new DetectionService({ store: other, clock, log: silentLogger, timestampStatePeriodMs: PERIOD });
      await restarted.load();
      // one station roams to r2 (its gap is measured from its last sighting on r1), the other leaves
      clock.advance(15_000);
      const tsRoam = clock.now();
      await arrive(kept, 11, ["02:00:00:00:00:01"], "r2", store);
      await arrive(restarted, 11, ["02:00:00:00:00:01"], "r2", other);
      clock.advance(5_000);
      await arrive(kept, 11, [], "r1", store);
      await arrive(restarted, 11, [], "r1", other);
      clock.advance(60_000);
      await kept.tick();
      await restarted.tick();
      const seen = async (svc: DetectionService) => (await svc.repo.events({ since: tsRoam })).map(({ id: _id, ...e }) => e).sort((a, b) => a.ts - b.ts || a.subject.localeCompare(b.subject));
      const expected = await seen(kept);
      expect(expected.filter((e) => e.code.startsWith("station_")).map((e) => e.code)).toEqual(["station_roamed", "station_left"]);
      expect(expected[0]).toMatchObject({ code: "station_roamed", gapMs: 15_000 });
      expect(await seen(restarted)).toEqual(expected);
    } finally {
      other.close();
    }
  });

  it("catchUpTimestamps moves presence (its time and last seq, same boot) and the node's own stations to its latest stored snapshot", async () => {
    const presence = { r1: { boot: "b1", lastTs: 10, lastRecv: 10, intervalMs: 10_000, online: true, lastSeq: 3 }, r2: { boot: "b1", lastTs: 10, lastRecv: 10, intervalMs: 10_000, online: true, lastSeq: 3 } };
    const stations = {
      byMac: { a: { node: "r1", iface: "wlan0", lastSeenTs: 10, goneAt: null }, b: { node: "r2", iface: "wlan0", lastSeenTs: 10, goneAt: null }, c: { node: "r1", iface: "wlan0", lastSeenTs: 10, goneAt: 5 } },
      byNode: { r1: ["a", "b", "c"] },
      gone: ["c"],
    };
    const before = [stablePresence(presence), JSON.stringify(splitStations(stations).row)];
    catchUpTimestamps(presence, stations, new Map([["r1", { boot: "b1", ts: 50, seq: 7 }], ["r2", { boot: "b2", ts: 60, seq: 9 }]]));
    expect([presence.r1.lastTs, presence.r2.lastTs]).toEqual([50, 10]);
    expect([presence.r1.lastSeq, presence.r2.lastSeq]).toEqual([7, 3]);
    expect([stations.byMac.a.lastSeenTs, stations.byMac.b.lastSeenTs, stations.byMac.c.lastSeenTs]).toEqual([50, 10, 10]);
    expect([stablePresence(presence), JSON.stringify(splitStations(stations).row)]).toEqual(before);
  });

  it("splitStations keeps only the times a node's own listing does not imply, and joinStations gives the state back", () => {
    const stations = {
      byMac: {
        a: { node: "r1", iface: "wlan0", lastSeenTs: 40, goneAt: null },
        b: { node: "r1", iface: "wlan0", lastSeenTs: 30, goneAt: 40 },
        c: { node: "r2", iface: "wlan1", lastSeenTs: 35, goneAt: null },
        d: { node: "r1", iface: "wlan0", lastSeenTs: 20, goneAt: null },
      },
      byNode: { r1: ["a", "d"], r2: ["c"] },
      gone: ["b"],
    };
    const { row, seen } = splitStations(stations);
    expect(seen).toEqual({ r1: 40, r2: 35 });
    expect(row.byMac).toEqual({ a: { node: "r1", iface: "wlan0", goneAt: null }, b: stations.byMac.b, c: { node: "r2", iface: "wlan1", goneAt: null }, d: stations.byMac.d });
    expect(joinStations(JSON.parse(JSON.stringify(row)) as typeof row, seen)).toEqual(stations);
    // a row stored whole (older versions) needs no times
    expect(joinStations(stations, {})).toEqual(stations);
  });
});
