import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { FakeClock, MINUTE_MS, openStore, type Store } from "../store/index";
import { silentLogger } from "../log";
import { Registry } from "../metrics/registry";
import { writeBatch } from "../ingest/writer";
import { buildHello, buildSnapshot } from "../../testing";
import { createApi } from "../api/app";
import { radioEntry, util, withRadios } from "../../testing/radio";

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);

/** ap-a every 10 s for two minutes: wlan0 busy 10 + seq %, mesh0 with 2 peers; the first cycle has no rate yet. */
describe("radio health in the store and the API", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let app: ReturnType<typeof createApi>;
  const get = async (path: string) => {
    const r = await app.request(path);
    return { status: r.status, body: (await r.json()) as any };
  };

  beforeEach(async () => {
    dir = tempDir("mf-radio-");
    const clock = new FakeClock(T0 + 2 * MINUTE_MS);
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    app = createApi({ store, clock, log: silentLogger, registry: new Registry() });
    await writeBatch(store, [{ kind: "hello", msg: buildHello({ node: "ap-a", ts: T0, macs: ["02:00:00:00:0a:01"] }) }], T0);
    for (let seq = 1; seq <= 12; seq++) {
      const ts = T0 + (seq - 1) * 10_000;
      const base = buildSnapshot({ node: "ap-a", seq, ts, profile: { stations: 1, counters: 0, meshPaths: 0, routes: 0, neighbors: 0 } });
      const msg = withRadios(base, [
        radioEntry({ iface: "mesh0", type: "mesh point", band: "5", channel: 36, freqMhz: 5180, widthMhz: 80, noiseDbm: -95, peers: 2, meshId: "mf", utilisation: seq === 1 ? null : util(20, 12, 5) }),
        radioEntry({ iface: "wlan0", clients: 3, noiseDbm: seq <= 6 ? -92 : -80, utilisation: seq === 1 ? null : util(10 + seq, 6, 2) }),
      ]);
      await writeBatch(store, [{ kind: "snapshot", msg }], ts);
    }
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  it("the node's current radios: channel, width, power, noise, utilisation, clients, peers", async () => {
    const r = await get("/api/nodes/ap-a/radios");
    expect(r.status).toBe(200);
    expect(r.body.ts).toBe(T0 + 110_000);
    expect(r.body.items).toEqual([
      { iface: "mesh0", type: "mesh point", band: "5", channel: 36, freqMhz: 5180, widthMhz: 80, txPowerDbm: 20, noiseDbm: -95, busyPct: 20, rxPct: 12, txPct: 5, clients: 0, peers: 2, meshId: "mf" },
      { iface: "wlan0", type: "AP", band: "2.4", channel: 6, freqMhz: 2437, widthMhz: 20, txPowerDbm: 20, noiseDbm: -80, busyPct: 22, rxPct: 6, txPct: 2, clients: 3, peers: null, meshId: null },
    ]);
    const detail = await get("/api/nodes/ap-a");
    expect(detail.body.latest.radios.map((x: { iface: string }) => x.iface)).toEqual(["mesh0", "wlan0"]);
  });

  it("utilisation and noise history per radio: raw samples and one-minute buckets", async () => {
    const raw = await get(`/api/nodes/ap-a/series?metric=radioBusy&from=${T0}&to=${T0 + 60_000}`);
    expect(raw.body.ts).toEqual([10_000, 20_000, 30_000, 40_000, 50_000].map((d) => T0 + d));
    expect(raw.body.series).toEqual([
      { key: "mesh0", node: null, values: [20, 20, 20, 20, 20] },
      { key: "wlan0", node: null, values: [12, 13, 14, 15, 16] },
    ]);
    const minute = await get(`/api/nodes/ap-a/series?metric=radioNoise&from=${T0}&to=${T0 + 120_000}&step=1m`);
    expect(minute.body.ts).toEqual([T0, T0 + 60_000]);
    expect(minute.body.series).toEqual([
      { key: "mesh0", node: null, values: [-95, -95] },
      { key: "wlan0", node: null, values: [-92, -80] },
    ]);
  });
});
