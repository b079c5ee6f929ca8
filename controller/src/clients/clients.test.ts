import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import type { Snapshot } from "@meshfleet/shared";
import { FakeClock, openStore, type Store } from "../store/index";
import { silentLogger } from "../log";
import { Registry } from "../metrics/registry";
import { writeBatch } from "../ingest/writer";
import { buildHello, buildSnapshot } from "../../testing";
import { createApi } from "../api/app";
import { DetectionService } from "../detect/service";
import { radioEntry, withRadios } from "../../testing/radio";
import { clientRoutes } from "./routes";

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const PHONE = "0a:11:22:33:00:00"; // station 0 of the snapshot builder

/**
 * ap-a and ap-b every 10 s for 2 minutes. The phone is on ap-a (2.4 GHz) for seq 1..6
 * (last seen at 50 s) and on ap-b (5 GHz) from seq 8 (first seen at 70 s): one roam with
 * a 20 s gap. ap-a runs the DHCP server and has the phone's lease.
 */
describe("client history, search and roaming quality", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let app: ReturnType<typeof createApi>;
  const get = async (path: string) => {
    const r = await app.request(path);
    return { status: r.status, body: (await r.json()) as any };
  };

  beforeEach(async () => {
    dir = tempDir("mf-clients-");
    const clock = new FakeClock(T0);
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    const svc = new DetectionService({ store, clock, log: silentLogger, sinks: [] });
    await svc.load();
    const hellos = [buildHello({ node: "ap-a", ts: T0, macs: ["02:00:00:00:0a:01"] }), buildHello({ node: "ap-b", ts: T0, macs: ["02:00:00:00:0b:01"] })];
    await writeBatch(store, hellos.map((msg) => ({ kind: "hello" as const, msg })), T0);
    await svc.handle(hellos.map((msg) => ({ kind: "hello" as const, msg })));
    for (let seq = 1; seq <= 12; seq++) {
      const ts = T0 + (seq - 1) * 10_000;
      clock.set(ts);
      const profile = (on: boolean) => ({ stations: on ? 1 : 0, counters: 0, meshPaths: 0, routes: 0, neighbors: 0 });
      let a: Snapshot = withRadios(buildSnapshot({ node: "ap-a", seq, ts, profile: profile(seq <= 6), signal: -50 - seq }), [radioEntry({ iface: "wlan0", band: "2.4" })]);
      a = { ...a, leases: { data: { leases: [{ mac: PHONE, ip: "192.168.1.120", hostname: "pixel-7", expiresSec: null }] }, errors: [], skipped: 0 } };
      const b = withRadios(buildSnapshot({ node: "ap-b", seq, ts, profile: profile(seq >= 8), signal: -40 }), [radioEntry({ iface: "wlan0", band: "5", freqMhz: 5180, channel: 36 })]);
      const items = [a, b].map((msg) => ({ kind: "snapshot" as const, msg }));
      await writeBatch(store, items, ts);
      await svc.handle(items);
    }
    app = createApi({ store, clock, log: silentLogger, registry: new Registry(), routes: [clientRoutes({ store, clock, log: silentLogger, registry: new Registry() }, svc.repo)] });
  });
  afterEach(async () => {
    store.close();
    dir.cleanup();
  });

  it("a client's story: AP and band over time, signal and rates, the roam with its gap, hostname/IP, first/last seen", async () => {
    const r = await get(`/api/clients/${PHONE.toUpperCase()}?from=${T0}&to=${T0 + 120_000}`);
    expect(r.status).toBe(200);
    const h = r.body;
    expect([h.mac, h.hostname, h.ip, h.firstSeen - T0, h.lastSeen - T0]).toEqual([PHONE, "pixel-7", "192.168.1.120", 0, 110_000]);
    expect(h.segments).toEqual([
      { node: "ap-a", iface: "wlan0", band: "2.4", from: T0, to: T0 + 50_000 },
      { node: "ap-b", iface: "wlan0", band: "5", from: T0 + 70_000, to: T0 + 110_000 },
    ]);
    expect(h.roams).toEqual([{ ts: T0 + 70_000, from: "ap-a", to: "ap-b", fromIface: "wlan0", toIface: "wlan0", gapMs: 20_000 }]);
    expect(h.samples).toHaveLength(11);
    expect(h.samples[0]).toEqual({ ts: T0, node: "ap-a", iface: "wlan0", band: "2.4", signalDbm: -51, txMbps: 300, rxMbps: 200 });
    expect(h.now).toMatchObject({ node: "ap-b", band: "5", hostname: "pixel-7" });
  });

  it("search by MAC, hostname or IP; unknown MACs are 404, malformed ones 400", async () => {
    for (const q of ["00:00", "PIXEL", "192.168.1.12"]) {
      const r = await get(`/api/clients?q=${encodeURIComponent(q)}`);
      expect(r.body.clients.map((c: { mac: string; node: string }) => [c.mac, c.node]), q).toEqual([[PHONE, "ap-b"]]);
    }
    expect((await get("/api/clients?q=nothing-like-this")).body.clients).toEqual([]);
    expect((await get("/api/clients/02:99:99:99:99:99")).status).toBe(404);
    expect((await get("/api/clients/not-a-mac")).status).toBe(400);
  });

  it("roaming quality fleet-wide and per AP pair", async () => {
    const r = await get(`/api/roaming?from=${T0}&to=${T0 + 120_000}&slowMs=5000`);
    expect(r.body.fleet).toEqual({ roams: 1, medianGapMs: 20_000, p95GapMs: 20_000, slow: 1, failed: 0 });
    expect(r.body.pairs).toEqual([{ from: "ap-a", to: "ap-b", roams: 1, medianGapMs: 20_000, p95GapMs: 20_000, slow: 1 }]);
  });
});
