import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { silentLogger } from "../log";
import { FakeClock, openStore, type Store } from "../store/index";
import { actionsForIncident, CONVERGENCE_SUBJECT } from "./alert-rules";
import { DetectionService } from "./service";
import { mpath, snap, station } from "../../testing/detect";

const T0 = 1_700_000_000_000;
const PEER = "02:00:00:00:00:02";
const DEST = "02:00:00:00:00:03";

describe("alerts from mesh events (service on a real store)", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  const clock = new FakeClock(T0);
  beforeEach(async () => {
    dir = tempDir("mf-rules-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    clock.set(T0);
  });
  afterEach(async () => {
    store.close();
    dir.cleanup();
  });

  it("opens bogus_mesh_path and link_degraded, and resolves them when the path and the link are good again; records a roam", async () => {
    const svc = new DetectionService({ store, clock, log: silentLogger, config: { linkHealth: { toleranceMs: 20_000, recoverMs: 0, minSamples: 1, window: 1 } } });
    await svc.load();
    let seq = 0;
    const feed = async (node: string, o: { paths?: ReturnType<typeof mpath>[]; signal?: number; clients?: string[] }) => {
      clock.advance(10_000);
      await svc.handle([{ kind: "snapshot", msg: snap({ node, seq: ++seq, ts: clock.now(), routes: null, paths: o.paths ?? [], stations: [station(PEER, { plink: "ESTAB", signal: o.signal ?? -60 }), ...(o.clients ?? []).map((c) => station(c))] }) }]);
    };
    const open = () => svc.alerts.openAlerts().map((a) => `${a.code} ${a.subject}`);
    await feed("r1", { paths: [mpath(DEST, "00:00:00:00:00:00")], clients: ["0a:00:00:00:00:01"] });
    expect(open()).toEqual([`bogus_mesh_path mpath:r1:${DEST}`]);
    await feed("r1", { paths: [mpath(DEST, PEER)], signal: -85 });
    expect(open()).toEqual([]);
    // The client r1 listed at +10 s (gone at +20 s) shows up on r2 at +30 s: roamed, gap 20 s.
    await feed("r2", { clients: ["0a:00:00:00:00:01"] });
    // 25 dB under its baseline (-60) since +20 s; at +40 s the 20 s tolerance has passed.
    await feed("r1", { paths: [mpath(DEST, PEER)], signal: -86 });
    expect(open()).toEqual([`link_degraded link:${PEER}-r1`]);
    expect(svc.alerts.get("link_degraded", `link:${PEER}-r1`)?.summary).toBe(
      `mesh link ${PEER} <-> r1 degraded since 22:13:40 UTC on 14 Nov 2023: signal far below its usual level (r1 -> ${PEER}: -86 dBm (usually -60), 100 Mbit/s (usually 100))`,
    );
    expect(svc.alerts.get("link_degraded", `link:${PEER}-r1`)?.text).toEqual({
      what: `mesh link ${PEER} <-> r1 degraded`,
      where: [PEER, "r1"],
      since: T0 + 20_000,
      why: `the mesh link ${PEER} <-> r1 has been far below its usual signal since ${new Date(T0 + 20_000).toISOString().slice(11, 19)} UTC`,
      evidence: [`r1 -> ${PEER}: -86 dBm (usually -60), 100 Mbit/s (usually 100)`],
      check: ["something new between the two routers (furniture, a door, a wall)", `antennas and placement of ${PEER} and r1`, "interference on the mesh channel"],
    });
    await feed("r1", { paths: [mpath(DEST, PEER)], signal: -87 });
    expect(await svc.alerts.list({ code: "link_degraded" })).toHaveLength(1);
    await feed("r1", { paths: [mpath(DEST, PEER)], signal: -60 });
    expect(open()).toEqual([]);
    expect((await svc.alerts.list({ state: "resolved" })).map((a) => a.code).sort()).toEqual(["bogus_mesh_path", "link_degraded"]);
    const roams = await svc.repo.events({ code: "station_roamed" });
    expect(roams.map((e) => [e.node, e.code === "station_roamed" ? e.gapMs : null, e.before])).toEqual([["r2", 20_000, { node: "r1", iface: "wlan0", lastSeenTs: T0 + 10_000 }]]);
  });
});

describe("slow_convergence", () => {
  it("opens above the threshold and resolves at the next incident under it", async () => {
    const inc = (durationMs: number) => ({ id: 4, startTs: 1000, endTs: 1000 + durationMs, durationMs, nodes: ["r1", "r2"], trigger: { code: "neighbor_down", node: "r1", subject: "neighbor:r1:fe80::2%eth0", ts: 1000 }, eventIds: [1, 2], changes: 2 });
    const slow = actionsForIncident(inc(93_000), 60_000);
    expect(slow).toMatchObject({ type: "raise", input: { code: "slow_convergence", subject: CONVERGENCE_SUBJECT, node: "r1", summary: "routing took 93.0 s to converge after neighbor_down on r1 (nodes r1, r2)", evidence: { eventIds: [1, 2], detail: { incident: 4, durationMs: 93_000 } } } });
    expect(actionsForIncident(inc(11_000), 60_000)).toEqual({ type: "resolve", code: "slow_convergence", subject: CONVERGENCE_SUBJECT, eventIds: [], summary: "converged in 11.0 s" });
  });
});
