import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { sql } from "drizzle-orm";
import type { IngestItem } from "../ingest/decode";
import { writeBatch } from "../ingest/writer";
import { silentLogger } from "../log";
import { FakeClock, openStore, type Store } from "../store/index";
import { DetectionService } from "./service";
import { catchUpTimestamps, stablePresence, stableStations } from "./state-timestamps";
import { snap, station } from "../../testing/detect";

const T0 = 1_700_000_000_000;
const PERIOD = 60_000;

describe("detector state writes (real SQLite store, plain calls)", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  const clock = new FakeClock(T0);
  const make = () => new DetectionService({ store, clock, log: silentLogger, timestampStatePeriodMs: PERIOD });
  /** What ingest and detection do with one snapshot of r1 listing these stations. */
  const arrive = async (svc: DetectionService, seq: number, macs: string[]) => {
    const items: IngestItem[] = [{ kind: "snapshot", msg: snap({ node: "r1", ts: clock.now(), seq, stations: macs.map((m) => station(m)) }) }];
    await writeBatch(store, items, clock.now());
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
    expect([updatedAt("presence"), updatedAt("stations")]).toEqual([T0, T0 + 20_000]);
    clock.advance(PERIOD);
    await arrive(svc, 4, ["02:00:00:00:00:01", "02:00:00:00:00:02"]);
    expect([updatedAt("presence"), updatedAt("stations")]).toEqual([T0 + 80_000, T0 + 80_000]);
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

  it("catchUpTimestamps moves presence (same boot) and the node's own stations to its latest stored snapshot", async () => {
    const presence = { r1: { boot: "b1", lastTs: 10, lastRecv: 10, intervalMs: 10_000, online: true }, r2: { boot: "b1", lastTs: 10, lastRecv: 10, intervalMs: 10_000, online: true } };
    const stations = {
      byMac: { a: { node: "r1", iface: "wlan0", lastSeenTs: 10, goneAt: null }, b: { node: "r2", iface: "wlan0", lastSeenTs: 10, goneAt: null }, c: { node: "r1", iface: "wlan0", lastSeenTs: 10, goneAt: 5 } },
      byNode: { r1: ["a", "b", "c"] },
      gone: ["c"],
    };
    const before = [stablePresence(presence), stableStations(stations)];
    catchUpTimestamps(presence, stations, new Map([["r1", { boot: "b1", ts: 50 }], ["r2", { boot: "b2", ts: 60 }]]));
    expect([presence.r1.lastTs, presence.r2.lastTs]).toEqual([50, 10]);
    expect([stations.byMac.a.lastSeenTs, stations.byMac.b.lastSeenTs, stations.byMac.c.lastSeenTs]).toEqual([50, 10, 10]);
    expect([stablePresence(presence), stableStations(stations)]).toEqual(before);
  });
});
