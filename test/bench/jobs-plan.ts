import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FakeClock, JobService, baselineWireless, openStore, silentLogger, writeBatch } from "@meshfleet/controller";
import { buildHello } from "@meshfleet/controller/testing";
import { tempDir } from "@meshfleet/testkit";
import { parseUciFile, serializeUci } from "@meshfleet/uci";

/**
 * Configuration job costs on the controller and in the UCI engine:
 *   1. dry run (validate + render + simulate + diff) of a roaming job for N nodes (default 1000);
 *   2. creating that job and driving the rollout to completion with every node's statuses
 *      (received, applied, verified) through the JobService on a real SQLite file;
 *   3. parse + serialise of a 22.03 /etc/config/wireless, per file.
 *
 *   npm run bench -- jobs-plan [nodes]
 */
export default async function jobsPlanBench(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 1000);
  const dir = tempDir("mf-bench-jobs-");
  const clock = new FakeClock(1_800_000_000_000);
  const store = openStore({ file: `${dir.path}/c.sqlite`, clock });
  try {
    const ids = Array.from({ length: n }, (_, i) => `n${i}`);
    await writeBatch(store, ids.map((node) => ({ kind: "hello" as const, msg: { ...buildHello({ node, ts: clock.now() }), capabilities: ["stations", "uci-jobs"] } })), clock.now());
    const svc = new JobService({ store, clock, log: silentLogger });
    const w = baselineWireless("23.05.3");
    w.interfaces = w.interfaces.map((i) => ({ ...i, ssid: "HomeNet", encryption: "psk2", keyFingerprint: "0011223344556677" }));
    for (const id of ids) await svc.repo.putWireless(id, clock.now(), w);
    const body = { template: "roaming", target: "all", params: { ssid: "HomeNet", key: "bench key 123", mobility_domain: "beef" }, rollout: { canary: 1, batchSize: 100 } };

    let t = performance.now();
    const plan = await svc.plan(body);
    const planMs = performance.now() - t;
    if (!plan.ok) throw new Error(JSON.stringify(plan.issues));
    const diffBytes = plan.plans.reduce((s, p) => s + p.diffs.reduce((a, d) => a + d.diff.length, 0), 0);
    console.log(`dry run, ${n} nodes: ${planMs.toFixed(0)} ms (${((planMs * 1000) / n).toFixed(0)} µs/node, ${plan.plans[0]!.ops.length} ops and ${(diffBytes / n).toFixed(0)} bytes of diff per node)`);

    // Statuses as the ingest delivers them: in batches (all of a rollout batch's nodes' `received`, then `applied`, ...).
    for (const batched of [true, false]) {
      const planned = await svc.plan(body);
      if (!planned.ok) throw new Error("plan failed");
      t = performance.now();
      const id = await svc.create(planned);
      let statuses = 0;
      let calls = 0;
      while ((await svc.repo.job(id))!.status === "running") {
        const sent = (await svc.repo.rollout(id))!.nodes.filter((x) => x.state === "sent");
        for (const state of ["received", "applied", "verified"] as const) {
          const items = sent.map((node) => ({ kind: "jobStatus" as const, msg: { type: "jobStatus" as const, v: 1, jobId: id, node: node.id, boot: "boot-0001", ts: clock.now(), state, reason: null, step: null } }));
          if (batched) await svc.onItems(items);
          else for (const it of items) await svc.onItems([it]);
          statuses += items.length;
          calls += batched ? 1 : items.length;
        }
      }
      const ms = performance.now() - t;
      console.log(
        `rollout to completion, ${n} nodes in ${(await svc.repo.rollout(id))!.batchCount} batches, statuses ${batched ? "in ingest batches" : "one at a time"}: ${ms.toFixed(0)} ms for ${statuses} statuses in ${calls} transactions (${((statuses * 1000) / ms).toFixed(0)} statuses/s)`,
      );
    }

    const text = readFileSync(join(import.meta.dirname, "../../uci/fixtures/wireless-22.03.conf"), "utf8");
    const runs = 20_000;
    t = performance.now();
    for (let i = 0; i < runs; i++) serializeUci(parseUciFile(text));
    const uciMs = performance.now() - t;
    console.log(`UCI parse + serialise of a ${text.length}-byte wireless file: ${((uciMs * 1000) / runs).toFixed(1)} µs per file`);
  } finally {
    store.close();
    dir.cleanup();
  }
}
