import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { buildHello, buildSnapshot } from "../../testing";
import { FakeClock } from "./types";
import { openStore, type Store } from "./store";
import { views } from "./views";

describe("store", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  const clock = new FakeClock(1_700_000_000_000);

  beforeEach(async () => {
    dir = tempDir("mf-store-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  it("opens in WAL mode and records hellos: node identity, MAC map, link-local addresses", async () => {
    await store.transaction(() => store.nodes.applyHello(buildHello({ node: "ap-1", ts: 5, macs: ["02:AA:00:00:00:01", "02:aa:00:00:00:02"], linkLocal: ["fe80::a1"] }), 1000));
    expect(await store.nodes.resolveMac("02:aa:00:00:00:01")).toBe("ap-1");
    expect(await store.nodes.resolveMac("02:aa:00:00:00:02")).toBe("ap-1");
    expect(await store.nodes.resolveMac("02:aa:00:00:00:03")).toBeNull();
    expect(await store.nodes.resolveAddress("fe80::a1%mesh0")).toBe("ap-1");
    const n = (await store.nodes.get("ap-1"))!;
    expect(n).toMatchObject({ id: "ap-1", model: "GL.iNet GL-MT6000", release: "OpenWrt 23.05.3", agentVersion: "0.1.0", firstSeen: 1000, intervalMs: 10_000 });
    expect(n.capabilities).toEqual(["stations", "mesh-paths", "bird", "nft"]);
    // A second hello with other MACs replaces the first set.
    await store.transaction(() => store.nodes.applyHello(buildHello({ node: "ap-1", ts: 6, macs: ["02:aa:00:00:00:09"] }), 2000));
    expect(await store.nodes.resolveMac("02:aa:00:00:00:01")).toBeNull();
    expect(await store.nodes.resolveMac("02:aa:00:00:00:09")).toBe("ap-1");
    expect((await store.nodes.get("ap-1"))!.firstSeen).toBe(1000);
  });

  it("writes a snapshot once, drops its duplicate, keeps the newest as current state and computes counter rates", async () => {
    const s1 = buildSnapshot({ node: "ap-1", seq: 1, ts: 10_000 });
    const s2 = buildSnapshot({ node: "ap-1", seq: 2, ts: 20_000 });
    expect(await store.transaction(() => store.telemetry.write(s1, 10_100))).toBe(true);
    expect(await store.transaction(() => store.telemetry.write(s1, 10_200))).toBe(false);
    expect(await store.transaction(() => store.telemetry.write(s2, 20_100))).toBe(true);
    expect((await store.rowCounts()).raw_snapshots).toBe(2);
    const latest = (await store.telemetry.latest("ap-1"))!;
    expect(latest.state).toMatchObject({ seq: 2, ts: 20_000, receivedAt: 20_100, stations: 20, peers: 0, meshPaths: 10, routes: 20, counters: 10, neighbors: 2 });
    const counters = views.counters(latest.raw!.data);
    // counter 0 grows by 1000 bytes and 1 packet per 10 s.
    expect(counters[0]).toEqual({ key: "rule:inet:fw4:input_wan:!fw4: rule-0", packets: 2, bytes: 2000, packetsPerSec: 0.1, bytesPerSec: 100 });
    expect(views.counters((await store.telemetry.rawById(latest.state.rawId - 1))!.data)[0]!.bytesPerSec).toBeNull();
    // An older snapshot arriving late is stored but does not replace the current state.
    expect(await store.transaction(() => store.telemetry.write(buildSnapshot({ node: "ap-1", seq: 3, boot: "boot-0000", ts: 5_000 }), 20_200))).toBe(true);
    expect((await store.telemetry.latest("ap-1"))!.state.seq).toBe(2);
    // Within one boot the seq orders snapshots, whatever the router clock says (NTP stepped it back).
    expect(await store.transaction(() => store.telemetry.write(buildSnapshot({ node: "ap-1", seq: 4, ts: 15_000 }), 20_300))).toBe(true);
    expect((await store.telemetry.latest("ap-1"))!.state).toMatchObject({ seq: 4, ts: 15_000 });
    // A redelivered older seq of the same boot is history only.
    expect(await store.transaction(() => store.telemetry.write(buildSnapshot({ node: "ap-1", seq: 3, ts: 14_000 }), 20_400))).toBe(true);
    expect((await store.telemetry.latest("ap-1"))!.state.seq).toBe(4);
  });

  it("treats a counter that went down as a reset (no rate), then resumes", async () => {
    await store.transaction(() => store.telemetry.write(buildSnapshot({ node: "n", seq: 1, ts: 0, counterBytes: () => 50_000 }), 1));
    await store.transaction(() => store.telemetry.write(buildSnapshot({ node: "n", seq: 2, ts: 10_000, counterBytes: () => 100 }), 2));
    await store.transaction(() => store.telemetry.write(buildSnapshot({ node: "n", seq: 3, ts: 20_000, counterBytes: () => 5_100 }), 3));
    const rates = (await store.telemetry.range("n", 0, 30_000)).map((r) => r.data.ct[0]![4]);
    expect(rates).toEqual([null, null, 500]);
  });

  it("rebuilds counter bases from the file after a reopen, and forgets them on rollback", async () => {
    await store.transaction(() => store.telemetry.write(buildSnapshot({ node: "n", seq: 1, ts: 0 }), 1));
    store.close();
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    await expect(
      store.transaction(async () => {
        await store.telemetry.write(buildSnapshot({ node: "n", seq: 2, ts: 10_000 }), 2);
        throw new Error("disk says no");
      }),
    ).rejects.toThrow("disk says no");
    expect((await store.rowCounts()).raw_snapshots).toBe(1);
    await store.transaction(() => store.telemetry.write(buildSnapshot({ node: "n", seq: 2, ts: 10_000 }), 2));
    expect(views.counters((await store.telemetry.latest("n"))!.raw!.data)[1]).toMatchObject({ bytes: 4000, bytesPerSec: 200 });
  });

  it("reports itself writable", async () => {
    expect(await store.checkWritable()).toEqual({ ok: true });
    expect(await store.sizeBytes()).toBeGreaterThan(0);
  });
});
