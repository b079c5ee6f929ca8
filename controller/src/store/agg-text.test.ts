import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deflateRawSync } from "node:zlib";
import { sql } from "drizzle-orm";
import { tempDir } from "@meshfleet/testkit";
import { FakeClock } from "./types";
import { openStore, type Store } from "./store";
import { seriesIn } from "./agg-text";
import type { AggMap } from "./rollup-fold";

describe("rollup rows read by series", () => {
  it("seriesIn finds the series of a prefix where an object member starts, whatever the keys hold", () => {
    const agg: AggMap = {
      'counterByteRate|rule:"odd",signal|x': [1, 2, 3, 1],
      "signal|02:aa": [-60, -50, -110, 2],
      "signal|02:aa:extra": [-70, -70, -70, 1],
      "txMbps|02:aa": [5, 6, 11, 2],
      'signal|we"ird\\': [1, 1, 1, 1],
    };
    const text = Buffer.from(JSON.stringify(agg));
    expect(seriesIn("signal|")(text)).toEqual([
      ["signal|02:aa", [-60, -50, -110, 2]],
      ["signal|02:aa:extra", [-70, -70, -70, 1]],
      ['signal|we"ird\\', [1, 1, 1, 1]],
    ]);
    expect(seriesIn("signal|02:aa")(text).map(([k]) => k)).toEqual(["signal|02:aa", "signal|02:aa:extra"]);
    expect(seriesIn("rxMbps|")(text)).toEqual([]);
    // a view of a larger buffer: only its own bytes, keys beyond it are not found
    const run = Buffer.concat([Buffer.from('{"signal|é":[1,1,1,1]}'), text]);
    expect(seriesIn("signal|")(run.subarray(0, run.length - text.length))).toEqual([["signal|é", [1, 1, 1, 1]]]);
  });

  describe("rangeSeries (real SQLite)", () => {
    let dir: ReturnType<typeof tempDir>;
    let store: Store;
    beforeEach(() => {
      dir = tempDir("mf-agg-text-");
      store = openStore({ file: `${dir.path}/c.sqlite`, clock: new FakeClock(0) });
    });
    afterEach(() => {
      store.close();
      dir.cleanup();
    });

    it("answers rows written now, deflated whole before (one by one) and JSON text alike, in bucket order", () => {
      const agg = (v: number): AggMap => ({ "signal|a": [v, v, v, 1], "signal|b": [v + 1, v + 1, v + 1, 1], "radioNoise|a": [0, 0, 0, 1] });
      for (let b = 0; b < 3; b++) store.sync.rollups.put("hour", "n1", b * 3_600_000, agg(b));
      expect([...store.sync.rollups.rangeSeries("hour", "n1", 0, 3 * 3_600_000, "signal|")]).toEqual([0, 1, 2].map((b) => ({ bucket: b * 3_600_000, series: Object.entries(agg(b)).filter(([k]) => k.startsWith("signal|")) })));

      // older encodings in the middle of a run: a final-block deflate and plain JSON text
      store.db.run(sql`INSERT OR REPLACE INTO rollups_hour (node_id, bucket, data) VALUES ('n1', ${3_600_000}, ${deflateRawSync(JSON.stringify(agg(10)))})`);
      store.db.run(sql`INSERT OR REPLACE INTO rollups_hour (node_id, bucket, data) VALUES ('n1', ${7_200_000}, ${JSON.stringify(agg(20))})`);
      expect([...store.sync.rollups.rangeSeries("hour", "n1", 0, 3 * 3_600_000, "signal|a")].map((r) => r.series)).toEqual([[["signal|a", [0, 0, 0, 1]]], [["signal|a", [10, 10, 10, 1]]], [["signal|a", [20, 20, 20, 1]]]]);
      expect([...store.sync.rollups.range("hour", "n1", 0, 3 * 3_600_000)].map((r) => r.data)).toEqual([agg(0), agg(10), agg(20)]);
    });
  });
});
