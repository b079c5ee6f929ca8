import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { subjects } from "@meshfleet/shared";
import { FakeClock, openStore, decodeMessage, writeBatch, type IngestItem } from "@meshfleet/controller";
import { buildSnapshot } from "@meshfleet/controller/testing";
import { seededRandom } from "@meshfleet/testkit";

/**
 * 100,000 messages through the ingest's decode and write path (the code every message
 * from the stream takes): malformed, oversized, wrong-typed and wrong-subject ones mixed
 * with valid snapshots. Nothing throws, every bad one is rejected with a reason, every
 * valid one is stored exactly once. (The NATS delivery around this path is covered by the
 * ingest tests against a real nats-server.)
 */
describe("ingest under hostile input", () => {
  const dir = tempDir("mf-fuzz-");
  afterAll(() => dir.cleanup());

  it("rejects and counts every bad message of 100,000 and stores every valid one", async () => {
    const store = openStore({ file: `${dir.path}/f.sqlite`, clock: new FakeClock(1_800_000_000_000) });
    const r = seededRandom(42);
    const enc = new TextEncoder();
    const valid = JSON.stringify(buildSnapshot({ node: "n0", seq: 1, ts: 1_800_000_000_000, profile: { stations: 3, meshPaths: 2, routes: 3, counters: 2, neighbors: 1 } }));
    const oversized = enc.encode(JSON.stringify({ ...(JSON.parse(valid) as object), pad: "x".repeat(1_100_000) }));
    const rejected: Record<string, number> = {};
    let expectedValid = 0;
    let batch: IngestItem[] = [];
    const flush = async () => {
      if (batch.length) await writeBatch(store, batch, 1_800_000_000_000);
      batch = [];
    };
    for (let i = 0; i < 100_000; i++) {
      const kind = Math.floor(r() * 8);
      const node = `n${i % 50}`;
      let subject = subjects.telemetry(node);
      let body: string | Uint8Array;
      const good = JSON.parse(valid) as Record<string, unknown>;
      good.node = node;
      good.seq = i + 1;
      switch (kind) {
        case 0:
          body = JSON.stringify(good);
          expectedValid++;
          break;
        case 1: // truncated / broken JSON
          body = JSON.stringify(good).slice(0, Math.floor(r() * 500));
          break;
        case 2: // wrong types
          body = JSON.stringify({ ...good, seq: "1", ts: -5, stations: { data: "x", errors: [] } });
          break;
        case 3: // node id differs from the subject
          body = JSON.stringify({ ...good, node: `x${node}` });
          break;
        case 4: // oversized
          body = oversized;
          break;
        case 5: // not one of our subjects
          subject = `mf.job.${node}`;
          body = JSON.stringify(good);
          break;
        case 6: // random bytes
          body = Array.from({ length: 1 + Math.floor(r() * 200) }, () => String.fromCharCode(Math.floor(r() * 0xffff))).join("");
          break;
        default: // unsupported protocol version / wrong message type
          body = JSON.stringify({ ...good, v: 99, type: r() < 0.5 ? "snapshot" : "hello" });
      }
      const d = decodeMessage(subject, typeof body === "string" ? enc.encode(body) : body);
      if (d.ok) batch.push(d.item);
      else rejected[d.reason] = (rejected[d.reason] ?? 0) + 1;
      if (batch.length >= 500) await flush();
    }
    await flush();
    const stored = (await store.rowCounts()).raw_snapshots;
    const totalRejected = Object.values(rejected).reduce((a, b) => a + b, 0);
    expect(stored).toBe(expectedValid);
    expect(totalRejected + expectedValid).toBe(100_000);
    expect(Object.keys(rejected).sort()).toEqual(expect.arrayContaining(["bad_subject", "invalid", "not_json", "too_large"]));
    expect(expectedValid).toBeGreaterThan(11_000);
    store.close();
  }, 120_000);
});
