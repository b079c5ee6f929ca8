import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import type { WifiIfaceConfig, WirelessConfig } from "@meshfleet/shared";
import { FakeClock, openStore, type Store } from "../store/index";
import { silentLogger } from "../log";
import { Registry } from "../metrics/registry";
import { buildSnapshot } from "../../testing";
import { createApi } from "../api/app";
import { DetectRepository } from "../detect/repo";
import { JobService } from "../jobs/service";
import { initRollout } from "../jobs/rollout";
import { rolloutPolicy } from "../jobs/spec";
import { clientRoutes } from "./routes";

const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);
const JOB = "job-roaming-0001";
const ap = (ft: boolean): WifiIfaceConfig => ({ section: "default_radio0", ifname: "wlan0", device: "radio0", mode: "ap", ssid: "meshfleet", meshId: null, encryption: "psk2", keyFingerprint: null, ieee80211r: ft, mobilityDomain: ft ? "beef" : null, ftOverDs: null, ieee80211k: null, bssTransition: null, network: "lan", disabled: false });
const wireless = (ft: boolean): WirelessConfig => ({ radios: [], interfaces: [ap(ft)] });

/**
 * Two APs report their wireless config every 10 s through the job service's ingest
 * path: 802.11r off until the roaming job (created at 60 s, finished at 90 s), on from
 * the first snapshot after it was applied (80 s). `GET /roaming?job=` must judge the
 * "before" window by the config before the job and the "after" window by the config after it.
 */
describe("roaming before/after a job: 802.11r from the config of each window's time", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let app: ReturnType<typeof createApi>;
  const clock = new FakeClock(T0);
  const get = async (path: string) => (await (await app.request(path)).json()) as { before: { ft: unknown; configAt: number }; after: { ft: unknown; configAt: number }; ft: unknown; configAt: number };

  beforeEach(async () => {
    dir = tempDir("mf-roaming-job-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    const jobs = new JobService({ store, clock, log: silentLogger });
    for (let seq = 1; seq <= 15; seq++) {
      const ts = T0 + (seq - 1) * 10_000;
      clock.set(ts);
      if (ts === T0 + 60_000) {
        const state = initRollout([{ id: "ap-a", skip: null }, { id: "ap-b", skip: null }], rolloutPolicy.parse({}), ts + 3600_000);
        const row = { id: JOB, createdAt: ts, updatedAt: ts, description: "802.11r on meshfleet", template: "roaming", params: { ssid: "meshfleet" }, target: "all", verify: { deadlineMs: 60_000 }, expiresAt: ts + 3600_000, status: "running" as const, finishedAt: null };
        await jobs.repo.insert(row, state, new Map(["ap-a", "ap-b"].map((n) => [n, { ops: [], reloads: [], basis: "reported" as const }])));
      }
      if (ts === T0 + 90_000) {
        const state = (await jobs.repo.rollout(JOB))!;
        await jobs.repo.save(JOB, state, { ...state, status: "completed" }, ts);
      }
      const items = ["ap-a", "ap-b"].map((node) => ({ kind: "snapshot" as const, msg: { ...buildSnapshot({ node, seq, ts }), wireless: { data: wireless(ts >= T0 + 80_000), errors: [], skipped: 0 } } }));
      await jobs.onItems(items);
    }
    clock.set(T0 + 200_000);
    const deps = { store, clock, log: silentLogger, registry: new Registry() };
    app = createApi({ ...deps, routes: [clientRoutes(deps, new DetectRepository(store.sql))] });
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  it("a job that turns 802.11r on: before says no, after says yes", async () => {
    const r = await get(`/api/roaming?job=${JOB}&windowMs=60000`);
    expect(r.before.ft).toEqual([{ ssid: "meshfleet", aps: 2, withFt: 0, inUse: "no" }]);
    expect(r.before.configAt).toBe(T0 + 60_000);
    expect(r.after.ft).toEqual([{ ssid: "meshfleet", aps: 2, withFt: 2, inUse: "yes" }]);
    expect(r.after.configAt).toBe(T0 + 150_000);
  });

  it("a plain window takes the config of its end: before the job no, now yes; nothing known before the first report", async () => {
    expect((await get(`/api/roaming?from=${T0}&to=${T0 + 50_000}`)).ft).toEqual([{ ssid: "meshfleet", aps: 2, withFt: 0, inUse: "no" }]);
    expect((await get("/api/roaming")).ft).toEqual([{ ssid: "meshfleet", aps: 2, withFt: 2, inUse: "yes" }]);
    expect((await get(`/api/roaming?from=${T0 - 60_000}&to=${T0 - 1}`)).ft).toEqual([]);
  });

  it("the history holds a row per change, not per snapshot", async () => {
    const rows = await store.sql.query<{ node_id: string; ts: number }>("SELECT node_id, ts FROM node_wireless_history ORDER BY node_id, ts");
    expect(rows.map((r) => [r.node_id, r.ts - T0])).toEqual([
      ["ap-a", 0],
      ["ap-a", 80_000],
      ["ap-b", 0],
      ["ap-b", 80_000],
    ]);
  });
});
