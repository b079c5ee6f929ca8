import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createTelemetryStream, nodeBinary, OLDEST_AGENT_NODE, startNatsServer } from "@meshfleet/testkit";
import { durationMs } from "@meshfleet/shared";
import { benchChoices, bundleLabel, idleStatus, kB, startBundledAgent, untilSnapshots, writeAnswers } from "./agent-bundle";

/**
 * Resident memory of the bundled agent (agent/dist/meshfleet-agent.mjs: `npm run build`
 * first) on the oldest Node it supports (18, from the npm registry like the bundle test),
 * running `run` against a real nats-server with a canned bench-profile router (20
 * stations, 10 mesh paths, 20 routes, 10 counters) behind the prefixed runner, every
 * --interval; VmRSS and VmHWM from /proc after --snapshots snapshots are in the stream.
 * VmRSS moves with the garbage collector's timing, so it is then read --samples times, one
 * per interval, and the median is printed (with the lowest and highest VmRSS).
 * Once per set of Node flags (V8 heap and thread options), so that they can be compared
 * on the same machine in the same run. Floor (same run, per flag set): an idle Node 18
 * (`-e` with a timer) started with the same flags; the agent's own share is the difference.
 * Each figure is split into anonymous memory (what the agent can change) and file-backed
 * pages (the node binary, which the agent cannot).
 *
 * `--bundle FILE` (repeatable) measures other builds beside it, each flag set in turn;
 * `--flag-sets 2,5` picks flag sets by their index in FLAG_SETS.
 *
 *   npm run bench -- agent-rss [--snapshots 30] [--interval 500ms] [--samples 10] [--bundle FILE]... [--flag-sets 0,2,5]
 */
/** Resident memory by kind: anonymous (heaps, stacks) and file-backed (mostly the node binary's own pages). */
const split = (status: string) => `anon ${(kB(status, "RssAnon") / 1024).toFixed(1)} + file ${(kB(status, "RssFile") / 1024).toFixed(1)}`;

export default async function agentRss(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({ args: argv, options: { snapshots: { type: "string", default: "30" }, interval: { type: "string", default: "500ms" }, samples: { type: "string", default: "10" }, bundle: { type: "string", multiple: true }, "flag-sets": { type: "string" } } });
  const intervalMs = durationMs(f.interval) ?? 500;
  const { flagSets, bundles } = benchChoices(f);
  const node = nodeBinary();
  const dir = mkdtempSync(join(tmpdir(), "mf-bench-agent-rss-"));
  const srv = await startNatsServer();
  try {
    await createTelemetryStream(srv.url);
    const answers = writeAnswers(dir);
    console.log(`agent-rss: ${bundles.join(", ")} on Node ${OLDEST_AGENT_NODE}, canned bench-profile router, ${f.interval} interval, measured after ${f.snapshots} snapshots; target <= 40 MB`);
    const mb = (status: string, field = "VmRSS") => (kB(status, field) / 1024).toFixed(1);
    for (const [i, [label, flags]] of flagSets.entries()) {
      const floor = await idleStatus(node, flags);
      console.log(`  ${label}`);
      console.log(`    ${"floor: idle Node 18, same flags".padEnd(36)} VmRSS ${mb(floor)} MB (${split(floor)})`);
      for (const [j, bundle] of bundles.entries()) {
        const agent = startBundledAgent({ node, flags, dir, answers, natsUrl: srv.url, nodeId: `rss-${i}-${j}`, intervalMs, bundle });
        try {
          await untilSnapshots(agent, Number(f.snapshots));
          const samples: string[] = [];
          for (let k = 0; k < Number(f.samples); k++) {
            if (k > 0) await new Promise((r) => setTimeout(r, intervalMs));
            samples.push(readFileSync(`/proc/${agent.child.pid}/status`, "utf8"));
          }
          samples.sort((a, b) => kB(a, "VmRSS") - kB(b, "VmRSS"));
          const status = samples[Math.floor(samples.length / 2)]!;
          const range = `${(kB(samples[0]!, "VmRSS") / 1024).toFixed(1)}-${(kB(samples[samples.length - 1]!, "VmRSS") / 1024).toFixed(1)}`;
          const own = (field: string) => ((kB(status, field) - kB(floor, field)) / 1024).toFixed(1);
          console.log(`    ${("agent" + bundleLabel(bundle, bundles)).padEnd(36)} VmRSS ${mb(status)} MB (${split(status)}; ${range} over ${samples.length}), peak (VmHWM) ${mb(samples[samples.length - 1]!, "VmHWM")} MB`);
          console.log(`    ${"agent's own (agent - floor)".padEnd(36)} VmRSS ${own("VmRSS")} MB (anon ${own("RssAnon")} + file ${own("RssFile")})`);
        } finally {
          agent.child.kill("SIGKILL");
        }
      }
    }
  } finally {
    await srv.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
