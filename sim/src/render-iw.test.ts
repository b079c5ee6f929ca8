import { describe, expect, it } from "vitest";
import { parseIwDev, parseMpathDump, parseStationDump } from "@meshfleet/agent/parsers";
import { rateMbps } from "./radio";
import { clientViews, pathViews, peerViews } from "./views";
import { DEMO_SCENARIO } from "./scenario";
import { World } from "./world";
import { out, value } from "../testing/world-output";


/** What iw prints for expected throughput (`%u.%u` of kbit/s x 1000/1024). */
function iwThroughput(kbps: number): number {
  const thr = Math.floor((kbps * 1000) / 1024);
  return Number(`${Math.floor(thr / 1000)}.${thr % 1000}`);
}

describe("simulated iw output read by the real iw parsers", () => {
  const w = new World({ seed: 21, nodes: 9, routing: "rip", stationsPerNode: 6 });
  w.advance(95_000);

  it("iw dev: the mesh point and the AP with MACs and channels", async () => {
    const n = w.node("node-5");
    const dev = value(parseIwDev(await out(w, "node-5", "iw dev")));
    const byName = Object.fromEntries(dev.interfaces.map((i) => [i.name, i]));
    expect(byName.mesh0).toMatchObject({ type: "mesh point", mac: n.macs.mesh, channel: 36, freqMhz: 5180, widthMhz: 80, centerFreq1Mhz: 5210, txPowerDbm: 23 });
    expect(byName.wlan0).toMatchObject({ type: "AP", mac: n.macs.ap, ssid: "meshfleet", channel: 1, freqMhz: 2412, widthMhz: 20 });
  });

  it("station dump on mesh0: every ESTAB peer with the world's signal, rates, throughput and link ids", async () => {
    for (const id of ["node-1", "node-5", "node-9"]) {
      const peers = peerViews(w, w.node(id));
      const dump = value(parseStationDump(await out(w, id, "iw dev mesh0 station dump")));
      expect(dump.stations).toHaveLength(peers.length);
      dump.stations.forEach((s, i) => {
        const p = peers[i]!;
        expect(s).toMatchObject({
          iface: "mesh0",
          mac: p.peer.macs.mesh,
          signalDbm: p.signal,
          chainSignalDbm: p.chains,
          signalAvgDbm: p.signalAvg,
          txBitrateMbps: rateMbps(p.tx),
          rxBitrateMbps: rateMbps(p.rx),
          expectedThroughputMbps: iwThroughput(p.throughputKbps),
          rxBytes: p.rxBytes,
          txBytes: p.txBytes,
          connectedSec: p.connectedSec,
          anomalies: [],
        });
        expect(s.txBitrate).toMatchObject({ mode: "vht", mcs: p.tx.mcs, nss: p.tx.nss, widthMhz: 80, shortGi: true });
        expect(s.mesh).toMatchObject({ plink: "ESTAB", llid: p.llid, plid: p.plid, airtimeMetric: p.airtime, localPs: "ACTIVE", peerPs: "ACTIVE" });
      });
    }
  });

  it("station dump on wlan0: the AP's clients", async () => {
    let total = 0;
    for (const id of w.nodeIds()) {
      const clients = clientViews(w, w.node(id));
      total += clients.length;
      const dump = value(parseStationDump(await out(w, id, "iw dev wlan0 station dump")));
      expect(dump.stations.map((s) => [s.mac, s.signalDbm, s.txBitrateMbps, s.connectedSec, s.mesh])).toEqual(
        clients.map((c) => [c.station.mac, c.signal, rateMbps(c.tx), c.connectedSec, null]),
      );
      for (const s of dump.stations) expect(s.txBitrate?.mode).toBe("ht");
    }
    expect(total).toBe(9 * 6);
  });

  it("mpath dump: header, next hops, metrics, hop counts and flags", async () => {
    for (const id of ["node-1", "node-9"]) {
      const paths = pathViews(w, w.node(id));
      const dump = value(parseMpathDump(await out(w, id, "iw dev mesh0 mpath dump")));
      expect(dump.paths.map((p) => [p.dest, p.nextHop, p.iface, p.sn, p.metric, p.qlen, p.exptime, p.dtim, p.dret, p.flags, p.hopCount, p.pathChange])).toEqual(
        paths.map((p) => [p.dest.macs.mesh, p.next.macs.mesh, "mesh0", p.sn, p.metric, 0, p.exptime, 100, 0, p.flags, p.hops, p.pathChange]),
      );
      expect(dump.paths).toHaveLength(8);
      expect(dump.paths.some((p) => p.nextHop !== p.dest)).toBe(true);
    }
  });

  it("the demo's degraded link shows in the parsed mpath dump as a relayed path, then direct again", async () => {
    const d = new World({ seed: 1, nodes: 7, routing: "babel", scenario: DEMO_SCENARIO });
    const [n2, n4] = [d.node("node-2"), d.node("node-4")];
    const row = async () => value(parseMpathDump(await out(d, "node-1", "iw dev mesh0 mpath dump"))).paths.find((p) => p.dest === n2.macs.mesh)!;
    expect(await row()).toMatchObject({ nextHop: n2.macs.mesh, hopCount: 1, flags: 0x15, pathChange: 0 });
    d.advance(40_000);
    expect(await row()).toMatchObject({ nextHop: n4.macs.mesh, hopCount: 3, flags: 0x5, pathChange: 1 });
    const peer = value(parseStationDump(await out(d, "node-1", "iw dev mesh0 station dump"))).stations.find((s) => s.mac === n2.macs.mesh)!;
    expect(peer.signalAvgDbm).toBe(Math.round(-87.5)); // still peered, barely
    expect(peer.txBitrate?.nss).toBe(1); // one stream at this SNR (the rate itself jitters by +-2 dB)
    expect(peer.txBitrate!.mcs).toBeLessThanOrEqual(1);
    d.advance(50_000);
    expect(await row()).toMatchObject({ nextHop: n2.macs.mesh, hopCount: 1, pathChange: 2 });
  });
});
