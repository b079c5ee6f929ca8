import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { subjects } from "@meshfleet/shared";
import { buildSnapshot, FakeClock, Ingest, ingestMetrics, openStore, RecordingLogger, Registry, type IngestItem, type Store } from "@meshfleet/controller";
import { CONTROLLER_KEY, enroll, nodeInboxPrefix, writeAccountsFile } from "@meshfleet/controller/enroll";
import { startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { controllerCli, repoRoot } from "../controller-helpers";

const run = promisify(execFile);
const T0 = 1_800_000_000_000;
const STREAMING = ["nc", "nd"];

/** Waits for an event (a connection closed by the server), failing with `what` after `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(t);
  }
}

/**
 * Revoking and rotating node keys against a real nats-server running the generated
 * configuration, through the CLI that rewrites the accounts file and signals the reload.
 */
describe("node key lifecycle: revoke and rotate with a broker reload", () => {
  const dir = tempDir("mf-keylife-");
  const keys = join(dir.path, "keys");
  let srv: RunningNatsServer;
  let accountsFile = "";
  let pidFile = "";
  let ctl: NatsConnection;
  let store: Store;
  let ingest: Ingest;
  const stored = new Map<string, Set<number>>();
  const opened: NatsConnection[] = [];

  const seedOf = (node: string) => new TextEncoder().encode(readFileSync(join(keys, `${node}.nk`), "utf8").trim());
  const asNode = async (node: string, seed = seedOf(node)) => {
    const nc = await connect({ servers: srv.url, authenticator: nkeyAuthenticator(seed), inboxPrefix: nodeInboxPrefix(node), reconnect: false });
    opened.push(nc);
    return nc;
  };
  const cli = (...args: string[]) => run(process.execPath, [...controllerCli, ...args, "--keys", keys, "--nats-config", accountsFile, "--nats-pid-file", pidFile], { cwd: repoRoot, encoding: "utf8" });

  beforeAll(async () => {
    for (const n of ["na", "nb", ...STREAMING]) enroll(keys, n);
    enroll(keys, CONTROLLER_KEY);
    srv = await startNatsServer({
      fullConfig: ({ port, storeDir }) => {
        accountsFile = join(dirname(storeDir), "meshfleet-auth.conf");
        pidFile = join(dirname(storeDir), "nats.pid");
        writeAccountsFile(keys, accountsFile);
        return [`listen: "127.0.0.1:${port}"`, `jetstream { store_dir: "${storeDir}" }`, `max_payload: 2MB`, `pid_file: "${pidFile}"`, `include "meshfleet-auth.conf"`].join("\n");
      },
    });
    ctl = await connect({ servers: srv.url, authenticator: nkeyAuthenticator(seedOf(CONTROLLER_KEY)) });
    store = openStore({ file: join(dir.path, "c.sqlite"), clock: new FakeClock(T0) });
    ingest = new Ingest({ nc: ctl, store, clock: store.clock, log: new RecordingLogger(), metrics: ingestMetrics(new Registry()) });
    ingest.onCommitted((items: readonly IngestItem[]) => {
      for (const it of items) if (it.kind === "snapshot") (stored.get(it.msg.node) ?? stored.set(it.msg.node, new Set()).get(it.msg.node)!).add(it.msg.seq);
    });
    await ingest.ensureStream();
    await ingest.start();
  });
  afterAll(async () => {
    await ingest?.stop();
    for (const nc of opened) await nc.close().catch(() => undefined);
    await ctl?.close();
    store?.close();
    await srv?.dispose();
    dir.cleanup();
  });

  it("a revoked key is disconnected and refused, a rotated node reconnects with its new key, the others stream on and lose nothing", async () => {
    // Two nodes stream acknowledged snapshots (retrying a timed-out publish under the same msg id) for the whole test.
    let streaming = true;
    const acked = new Map<string, number[]>();
    const disconnects: string[] = [];
    const streams = STREAMING.map(async (node) => {
      const nc = await asNode(node);
      void nc.closed().then(() => disconnects.push(node));
      const js = jetstream(nc, { timeout: 5000 });
      for (let seq = 1; streaming; seq++) {
        const snap = JSON.stringify(buildSnapshot({ node, seq, ts: T0 + seq * 1000 }));
        for (;;) {
          try {
            await js.publish(subjects.telemetry(node), snap, { msgID: `${node}:${seq}` });
            acked.set(node, [...(acked.get(node) ?? []), seq]);
            break;
          } catch {
            if (nc.isClosed()) return;
          }
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    await waitFor(() => STREAMING.every((n) => (acked.get(n)?.length ?? 0) >= 5), { what: "the others streaming" });

    // revoke na: its open connection is closed by the reload, its key refused afterwards
    const naSeed = seedOf("na");
    const na = await asNode("na");
    const revoked = await cli("revoke", "na");
    expect(revoked.stdout).toMatch(/^revoked na: .*\nwrote .*meshfleet-auth\.conf \(3 node\(s\)\) and told nats-server \(pid \d+\) to reload\n$/);
    await within(na.closed(), 5000, "the revoked node disconnected");
    await expect(asNode("na", naSeed)).rejects.toThrow(/authorization/i);

    // rotate nb: the old key is disconnected and refused, the new one connects and is stored
    const nbOld = seedOf("nb");
    const nb = await asNode("nb");
    const rotated = await cli("rotate", "nb");
    expect(rotated.stdout).toContain("rotated nb: public key U");
    await within(nb.closed(), 5000, "nb's old key disconnected");
    await expect(asNode("nb", nbOld)).rejects.toThrow(/authorization/i);
    const nbNew = jetstream(await asNode("nb"), { timeout: 5000 });
    expect((await nbNew.publish(subjects.telemetry("nb"), JSON.stringify(buildSnapshot({ node: "nb", seq: 1, ts: T0 })))).seq).toBeGreaterThan(0);
    await waitFor(() => stored.get("nb")?.has(1), { what: "the rotated node's snapshot stored" });

    // the others never lost their connection, and every acknowledged snapshot of theirs is stored
    const before = STREAMING.map((n) => acked.get(n)!.length);
    await waitFor(() => STREAMING.every((n, i) => acked.get(n)!.length >= before[i]! + 5), { what: "the others still streaming after both reloads" });
    streaming = false;
    await Promise.all(streams);
    expect(disconnects).toEqual([]);
    await waitFor(() => STREAMING.every((n) => stored.get(n)?.size === acked.get(n)!.length), { timeoutMs: 15_000, what: "every acknowledged snapshot of the others stored" });
    for (const n of STREAMING) expect([...stored.get(n)!].sort((x, y) => x - y)).toEqual(acked.get(n));
  });
});
