import { describe, expect, it } from "vitest";
import type { Snapshot } from "@meshfleet/shared";
import { Outbox } from "./outbox";
import type { Publisher } from "../publish/types";

function snap(seq: number): Snapshot {
  const empty = { data: null, errors: [], skipped: 0 };
  return {
    type: "snapshot", v: 1, node: "r1", boot: "boot-0001", seq, ts: 1000 * seq, intervalMs: 1000, dropped: 0,
    interfaces: empty, stations: empty, meshPaths: empty, routing: empty, counters: empty, system: empty, wireless: empty,
  };
}

function recorder(): Publisher & { sent: unknown[]; up: boolean; failNext: number } {
  const p = {
    sent: [] as unknown[],
    up: true,
    failNext: 0,
    get connected() {
      return p.up;
    },
    publish: (_s: string, data: Uint8Array) => {
      if (p.failNext > 0) {
        p.failNext--;
        return Promise.reject(new Error("no ack"));
      }
      p.sent.push(JSON.parse(new TextDecoder().decode(data)));
      return Promise.resolve();
    },
    onConnect: () => () => {},
    subscribe: () => () => {},
    close: () => Promise.resolve(),
  };
  return p;
}

describe("Outbox", () => {
  it("drops the oldest when full and reports the count in the next snapshot", async () => {
    const o = new Outbox(3);
    for (let i = 1; i <= 5; i++) o.pushSnapshot("mf.tel.r1", snap(i));
    expect(o.size).toBe(3);
    expect(o.totalDropped).toBe(2);
    const p = recorder();
    expect(await o.drain(p, 100)).toBe(3);
    expect((p.sent as Snapshot[]).map((s) => [s.seq, s.dropped])).toEqual([
      [3, 2],
      [4, 0],
      [5, 0],
    ]);
  });

  it("keeps the drop count when the snapshot carrying it is dropped too", async () => {
    const o = new Outbox(1);
    o.pushSnapshot("s", snap(1));
    o.pushSnapshot("s", snap(2)); // drops 1 -> 2 carries 1
    o.pushSnapshot("s", snap(3)); // drops 2 (carrying 1) -> 3 carries 2
    const p = recorder();
    await o.drain(p, 100);
    expect((p.sent as Snapshot[]).map((s) => [s.seq, s.dropped])).toEqual([[3, 2]]);
  });

  it("stops at the first failure and resumes in order", async () => {
    const o = new Outbox(10);
    for (let i = 1; i <= 4; i++) o.pushSnapshot("s", snap(i));
    const p = recorder();
    p.failNext = 1;
    expect(await o.drain(p, 100)).toBe(0);
    p.up = false;
    expect(await o.drain(p, 100)).toBe(0);
    p.up = true;
    expect(await o.drain(p, 100)).toBe(4);
    expect((p.sent as Snapshot[]).map((s) => s.seq)).toEqual([1, 2, 3, 4]);
    expect(o.size).toBe(0);
  });

  it("never counts as dropped a snapshot whose publish went unanswered: the broker may have stored it", async () => {
    // A broker that stores (once per msgId) but whose acks are lost while `stalled`.
    const stored = new Map<string, Snapshot>();
    let stalled = true;
    const broker: Publisher = {
      connected: true,
      publish: (_s, data, opts) => {
        const m = JSON.parse(new TextDecoder().decode(data)) as Snapshot;
        if (!stored.has(opts!.msgId!)) stored.set(opts!.msgId!, m);
        return stalled ? Promise.reject(new Error("no JetStream ack")) : Promise.resolve();
      },
      onConnect: () => () => {},
      subscribe: () => () => {},
      close: () => Promise.resolve(),
    };
    const o = new Outbox(2);
    for (let i = 1; i <= 6; i++) {
      o.pushSnapshot("s", snap(i));
      expect(await o.drain(broker, 100)).toBe(0);
    }
    // 1 reached the broker and stays at the head (retried each time); 2..5 were never sent and are dropped.
    expect(o.size).toBe(2);
    expect(o.totalDropped).toBe(4);
    stalled = false;
    expect(await o.drain(broker, 100)).toBe(2);
    expect([...stored.values()].map((s) => [s.seq, s.dropped])).toEqual([
      [1, 0],
      [6, 4],
    ]);
  });

  it("with room for one, keeps the unanswered head and the newest snapshot", async () => {
    const o = new Outbox(1);
    const p = recorder();
    o.pushSnapshot("s", snap(1));
    p.failNext = 1;
    await o.drain(p, 100);
    for (let i = 2; i <= 4; i++) o.pushSnapshot("s", snap(i));
    expect(o.size).toBe(2);
    expect(o.totalDropped).toBe(2);
    await o.drain(p, 100);
    expect((p.sent as Snapshot[]).map((s) => [s.seq, s.dropped])).toEqual([
      [1, 0],
      [4, 2],
    ]);
  });

  it("drops snapshots before job statuses", async () => {
    const o = new Outbox(2);
    o.pushMessage("mf.jobstatus.r1", "j1", { state: "applied" });
    o.pushSnapshot("s", snap(1));
    o.pushSnapshot("s", snap(2));
    const p = recorder();
    await o.drain(p, 100);
    expect(p.sent).toEqual([{ state: "applied" }, expect.objectContaining({ seq: 2, dropped: 1 })]);
  });
});

describe("fitSnapshot via the outbox", () => {
  it("leaves the largest section out with E_TOO_LARGE instead of sending a message the controller refuses", async () => {
    const s = snap(1);
    const routes = Array.from({ length: 9000 }, (_, i) => ({
      prefix: `fd00:${i.toString(16)}::/64`, protocol: "rip1", type: "unicast", primary: true, preference: 120, metric: 2,
      nextHops: [{ via: "fe80::1", iface: "mesh0", weight: null }], table: "master6", since: "09:34:47.143",
    }));
    s.routing = { data: { daemon: "bird2", protocols: [], interfaces: [], neighbors: [], routes }, errors: [], skipped: 0 };
    s.system = { data: { hostname: "r1", board: null, uptimeSec: 1, load: null, memory: null, addresses: [], delegatedPrefixes: [] }, errors: [], skipped: 0 };
    const o = new Outbox(2);
    o.pushSnapshot("s", s);
    const p = recorder();
    await o.drain(p, 100);
    const sent = p.sent[0] as Snapshot;
    expect(sent.routing.data).toBeNull();
    expect(sent.routing.errors[0]?.code).toBe("E_TOO_LARGE");
    expect(sent.system.data?.hostname).toBe("r1");
  });
});
