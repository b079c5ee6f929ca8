import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jetstream } from "@nats-io/jetstream";
import { subjects } from "@meshfleet/shared";
import { type IngestItem } from "@meshfleet/controller";
import { buildSnapshot } from "@meshfleet/controller/testing";
import { waitFor } from "@meshfleet/testkit";
import { startBroker, type Broker } from "./broker";

const OTHERS = ["n1", "n2", "n3", "n4", "n5"];
const PER_NODE = 20;
const T0 = 1_800_000_000_000;

/** One node floods the generated broker configuration while five others stream; the ingest's per-node rate limit. */
describe("a flooding node", () => {
  let b: Broker;
  const events: { type: string; node: string }[] = [];
  const stored = new Map<string, Set<number>>();

  beforeAll(async () => {
    b = await startBroker(["nf", ...OTHERS], { ingest: { nodeRate: { perSecond: 5, burst: 50 } } });
    b.ingest.onFlooding((e) => events.push({ type: e.type, node: e.node }));
    b.ingest.onCommitted((items: readonly IngestItem[]) => {
      for (const it of items) if (it.kind === "snapshot") (stored.get(it.msg.node) ?? stored.set(it.msg.node, new Set()).get(it.msg.node)!).add(it.msg.seq);
    });
    await b.ingest.start();
  });
  afterAll(async () => {
    await b?.dispose();
  });

  it("loses none of the others' acknowledged snapshots; its own over-rate messages are dropped and counted, once announced", async () => {
    const nf = await b.asNode("nf");
    const flood = (async () => {
      for (let seq = 1; seq <= 3000; seq++) {
        nf.publish(subjects.telemetry("nf"), JSON.stringify(buildSnapshot({ node: "nf", seq, ts: T0 + seq })));
        if (seq % 200 === 0) await nf.flush();
      }
      await nf.flush();
    })();
    const acked = new Map<string, number[]>();
    await Promise.all(
      OTHERS.map(async (node) => {
        const js = jetstream(await b.asNode(node), { timeout: 10_000 });
        for (let seq = 1; seq <= PER_NODE; seq++) {
          const ack = await js.publish(subjects.telemetry(node), JSON.stringify(buildSnapshot({ node, seq, ts: T0 + seq * 10_000 })));
          if (!ack.duplicate) acked.set(node, [...(acked.get(node) ?? []), seq]);
        }
      }),
    );
    await flood;
    for (const node of OTHERS) expect(acked.get(node)).toHaveLength(PER_NODE);
    await waitFor(() => OTHERS.every((n) => stored.get(n)?.size === PER_NODE), { timeoutMs: 30_000, what: "every other node's acknowledged snapshots stored" });
    for (const node of OTHERS) expect([...stored.get(node)!].sort((x, y) => x - y)).toEqual(acked.get(node));
    // the flooder: at most its burst plus what its rate allowed was stored; the rest dropped with a reason
    await waitFor(() => (b.ingest.stats.rejected.rate_limited ?? 0) > 0, { timeoutMs: 10_000, what: "over-rate messages dropped" });
    expect(stored.get("nf")?.size ?? 0).toBeGreaterThanOrEqual(50);
    expect(stored.get("nf")!.size).toBeLessThan(3000);
    expect([...b.ingest.limiter!.dropped.keys()]).toEqual(["nf"]);
    expect(events).toEqual([{ type: "flooding", node: "nf" }]);
  });
});
