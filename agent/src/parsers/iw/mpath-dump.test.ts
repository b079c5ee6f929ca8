import { describe, expect, it } from "vitest";
import { MPATH_FLAGS, ZERO_MAC, mpathDump, type MeshPath } from "@meshfleet/shared";
import { parseMpathDump } from "./mpath-dump";
import { failed, ok, parserFixture } from "../../../testing/parser-outcomes";

const fixture = (name: string): string => parserFixture("iw", name, { stripHeader: true });

function dump(name: string) {
  const r = ok(parseMpathDump(fixture(name)));
  mpathDump.parse({ paths: r.paths });
  return r;
}

function path(list: MeshPath[], dest: string): MeshPath {
  const p = list.find((x) => x.dest === dest);
  if (!p) throw new Error(`no path to ${dest}`);
  return p;
}

describe("parseMpathDump on the Iao seed: a node reattaching (via relay, then direct)", () => {
  const seq = ["seed-iao-wlan1-mpath-dump-1-via-relay.txt", "seed-iao-wlan1-mpath-dump-2-direct.txt", "seed-iao-wlan1-mpath-dump-3-direct.txt"].map(dump);
  const dest = "84:16:f9:eb:c9:ae";
  const relay = "84:c9:b2:54:30:5c";

  it("reads every row of the three dumps (no header, then a header), nothing skipped", () => {
    expect(seq.map((d) => d.paths.length)).toEqual([2, 2, 2]);
    expect(seq.map((d) => d.skipped)).toEqual([0, 0, 0]);
  });

  it("moves the next hop from the relay to the destination itself, with SN and metric", () => {
    expect(seq.map((d) => path(d.paths, dest)).map((p) => [p.nextHop, p.sn, p.metric])).toEqual([
      [relay, 6, 556],
      [dest, 9, 326],
      [dest, 10, 358],
    ]);
    expect(path(seq[0]?.paths ?? [], dest)).toEqual({
      dest,
      nextHop: relay,
      iface: "wlan1",
      sn: 6,
      metric: 556,
      qlen: 0,
      exptime: 1260,
      dtim: 100,
      dret: 0,
      flags: MPATH_FLAGS.active | MPATH_FLAGS.snValid,
      hopCount: null,
      pathChange: null,
    });
    expect(path(seq[1]?.paths ?? [], dest)).toMatchObject({ exptime: 3460, dtim: 200, dret: 1 });
  });

  it("keeps the relay's own direct path (flags 0x15: active, SN valid, resolved)", () => {
    for (const d of seq) expect(path(d.paths, relay)).toMatchObject({ nextHop: relay, sn: 27943, metric: 257, flags: 0x15 });
  });
});

describe("parseMpathDump fixtures", () => {
  it("Kahaluu seed: no header, spaces, 10 columns, sorted by destination", () => {
    const r = dump("seed-kahaluu-wlan0-mpath-dump.txt");
    expect(r.paths.map((p) => [p.dest, p.metric, p.flags])).toEqual([
      ["84:c9:b2:54:30:5c", 299, 0x10],
      ["c4:e9:84:2f:4d:de", 326, 0x4],
    ]);
    expect(path(r.paths, "c4:e9:84:2f:4d:de")).toMatchObject({ sn: 69838, exptime: 0, dtim: 100, hopCount: null });
  });

  it("iw 4.19+ header with HOP_COUNT/PATH_CHANGE: 12 columns, relays, a bogus all-zero next hop", () => {
    const r = dump("mpath-dump-header-hopcount.txt");
    expect(r.skipped).toBe(0);
    expect(r.paths.map((p) => p.dest)).toEqual(["02:5a:11:00:00:03", "02:5a:11:00:00:0b", "02:5a:11:00:00:21", "02:5a:11:00:00:30", "02:5a:11:00:00:44"]);
    expect(path(r.paths, "02:5a:11:00:00:21")).toEqual({
      dest: "02:5a:11:00:00:21",
      nextHop: "02:5a:11:00:00:0b",
      iface: "phy1-mesh0",
      sn: 877,
      metric: 212,
      qlen: 0,
      exptime: 3990,
      dtim: 100,
      dret: 0,
      flags: 0x5,
      hopCount: 2,
      pathChange: 7,
    });
    expect(path(r.paths, "02:5a:11:00:00:30")).toMatchObject({ nextHop: "02:5a:11:00:00:21", metric: 377, hopCount: 3, pathChange: 12, flags: 0x15 });
    expect(path(r.paths, "02:5a:11:00:00:44")).toMatchObject({ nextHop: ZERO_MAC, flags: MPATH_FLAGS.resolving, qlen: 1, dret: 3, hopCount: 0 });
  });

  it("a header wrapped over two lines (iw 5.16+ single TAB after EXPTIME)", () => {
    const r = dump("mpath-dump-wrapped-header.txt");
    expect(r.skipped).toBe(0);
    expect(r.paths.map((p) => [p.dest, p.nextHop, p.metric, p.hopCount, p.pathChange])).toEqual([
      ["c2:4a:00:10:20:30", "c2:4a:00:10:20:30", 170, 1, 1],
      ["c2:4a:00:10:20:99", "c2:4a:00:10:20:30", 341, 2, 3],
    ]);
  });

  it("no header, decimal flags, masked MACs, two interfaces sorted by (iface, dest)", () => {
    const r = dump("mpath-dump-no-header-decimal-flags.txt");
    expect(r.paths.map((p) => [p.iface, p.dest, p.nextHop, p.flags, p.hopCount])).toEqual([
      ["mesh0", "xx:xx:xx:xx:00:05", "xx:xx:xx:xx:00:05", 4, 1],
      ["mesh1", "xx:xx:xx:xx:00:02", "xx:xx:xx:xx:00:02", 21, 1],
      ["mesh1", "xx:xx:xx:xx:00:09", "xx:xx:xx:xx:00:02", 21, 2],
    ]);
  });

  it("header and rows squashed onto one line (as the founding document quoted them)", () => {
    const r = dump("mpath-dump-squashed-header-rows.txt");
    expect(r.skipped).toBe(0);
    expect(r.paths.map((p) => [p.dest, p.nextHop, p.sn, p.metric, p.exptime, p.flags])).toEqual([
      ["84:16:f9:eb:c9:ae", "84:c9:b2:54:30:5c", 6, 556, 1260, 5],
      ["84:c9:b2:54:30:5c", "84:c9:b2:54:30:5c", 27943, 257, 1270, 21],
    ]);
  });
});

describe("parseMpathDump edge cases", () => {
  it("empty input and a header alone are empty dumps", () => {
    expect(ok(parseMpathDump(""))).toEqual({ paths: [], skipped: 0 });
    expect(ok(parseMpathDump("DEST ADDR         NEXT HOP          IFACE\tSN\tMETRIC\tQLEN\tEXPTIME\t\tDTIM\tDRET\tFLAGS\n"))).toEqual({ paths: [], skipped: 0 });
  });

  it("text with no row and no header is not an mpath dump", () => {
    expect(failed(parseMpathDump("\nStation 02:00:00:00:00:01 (on mesh0)\n\tsignal:\t-50 dBm\n"))).toEqual({ code: "E_PARSE_FORMAT", line: 2 });
  });

  it("skips and counts rows with garbage numbers; upper-case MACs are lower-cased", () => {
    const r = ok(parseMpathDump("02:00:00:00:00:0A 02:00:00:00:00:0B mesh0\t1\t2\t0\t3\t4\t0\t0x15\n02:00:00:00:00:0c 02:00:00:00:00:0c mesh0\tNaN\t2\t0\t3\t4\t0\t0x15\n"));
    expect(r.skipped).toBe(1);
    expect(r.paths).toEqual([{ dest: "02:00:00:00:00:0a", nextHop: "02:00:00:00:00:0b", iface: "mesh0", sn: 1, metric: 2, qlen: 0, exptime: 3, dtim: 4, dret: 0, flags: 21, hopCount: null, pathChange: null }]);
  });

  it("keeps a row whose MACs are malformed when the numbers are all there", () => {
    const r = ok(parseMpathDump("84:16:f9:eb:c9 84:c9:b2:54:30:5c wlan1 6 556 0 1260 100 0 0x5\n"));
    expect(r.paths[0]).toMatchObject({ dest: "84:16:f9:eb:c9", nextHop: "84:c9:b2:54:30:5c", metric: 556, flags: 5 });
  });
});
