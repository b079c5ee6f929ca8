import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { tempDir } from "@meshfleet/testkit";
import { buildSnapshot } from "../../testing";
import { FakeClock } from "./types";
import { openStore, type Store } from "./store";

/** A transaction left open with `hold` (the ingest's `durableEveryMs`): seen by the store's reads at once, durable when something commits it. */
describe("store: held transaction (SQLite)", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  /** Another connection to the file: it sees only what is committed. */
  let other: Database.Database;
  const committedSeq = (node: string) => (other.prepare("SELECT seq FROM node_state WHERE node_id = ?").pluck().get(node) as number | undefined) ?? null;
  const write = (node: string, seq: number, hold: boolean, ends: boolean[]) =>
    store.transaction(
      async () => {
        await store.telemetry.write(buildSnapshot({ node, seq, ts: seq * 10_000 }), seq * 10_000 + 5);
        store.afterCommit((ok) => ends.push(ok));
      },
      { hold },
    );

  beforeEach(() => {
    dir = tempDir("mf-held-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock: new FakeClock(1_700_000_000_000) });
    other = new Database(`${dir.path}/c.sqlite`, { readonly: true });
  });
  afterEach(() => {
    other.close();
    store.close();
    dir.cleanup();
  });

  it("batches written with hold are read back at once, committed together by the first batch without it", async () => {
    const ends: boolean[] = [];
    await write("ap-1", 1, true, ends);
    await write("ap-1", 2, true, ends);
    expect(store.holding).toBe(true);
    expect((await store.telemetry.stateOf("ap-1"))?.seq).toBe(2);
    expect((await store.telemetry.range("ap-1", 0, 100_000)).map((r) => r.seq)).toEqual([1, 2]);
    expect(committedSeq("ap-1")).toBeNull();
    expect(ends).toEqual([]);

    await write("ap-1", 3, false, ends);
    expect(store.holding).toBe(false);
    expect(committedSeq("ap-1")).toBe(3);
    expect(ends).toEqual([true, true, true]);
  });

  it("a batch that fails inside the held transaction rolls back alone; the others commit", async () => {
    const ends: boolean[] = [];
    await write("ap-1", 1, true, ends);
    const failing = store.transaction(
      async () => {
        await store.telemetry.write(buildSnapshot({ node: "ap-1", seq: 2, ts: 20_000 }), 20_005);
        store.afterCommit((ok) => ends.push(ok));
        throw new Error("boom");
      },
      { hold: true },
    );
    await expect(failing).rejects.toThrow("boom");
    expect(ends).toEqual([false]);
    expect(store.holding).toBe(true);
    expect((await store.telemetry.stateOf("ap-1"))?.seq).toBe(1);
    await store.commitHeld();
    expect(ends).toEqual([false, true]);
    expect(committedSeq("ap-1")).toBe(1);
    // The rolled-back snapshot is written again when it comes back (not taken for a duplicate).
    await write("ap-1", 2, false, ends);
    expect(committedSeq("ap-1")).toBe(2);
  });

  it("a write from outside the ingest (a feature repository, transactionSync) commits the held transaction; reads and empty transactions do not", async () => {
    const ends: boolean[] = [];
    await write("ap-1", 1, true, ends);
    await store.sql.query("SELECT count(*) FROM nodes");
    await store.transaction(() => store.nodes.list());
    expect(store.holding).toBe(true);
    expect(committedSeq("ap-1")).toBeNull();

    await store.sql.run("INSERT INTO store_meta (key, value) VALUES ($1, $2)", ["held-test", "1"]);
    expect(store.holding).toBe(false);
    expect(committedSeq("ap-1")).toBe(1);
    expect(ends).toEqual([true]);

    await write("ap-1", 2, true, ends);
    store.transactionSync(() => (store.db as unknown as { $client: Database.Database }).$client.prepare("UPDATE store_meta SET value = '2' WHERE key = 'held-test'").run());
    expect(committedSeq("ap-1")).toBe(2);
    expect(ends).toEqual([true, true]);
  });

  it("checkpoint and close commit what is held", async () => {
    const ends: boolean[] = [];
    await write("ap-1", 1, true, ends);
    store.checkpoint();
    expect(committedSeq("ap-1")).toBe(1);
    await write("ap-1", 2, true, ends);
    store.close();
    expect(committedSeq("ap-1")).toBe(2);
    expect(ends).toEqual([true, true]);
  });
});
