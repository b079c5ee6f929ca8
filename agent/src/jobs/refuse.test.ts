import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ERROR_CODES, PROTOCOL_VERSION, type Job, type JobStatus } from "@meshfleet/shared";
import { FileUciBackend, UciFileRunner } from "@meshfleet/uci";
import { uciFixture } from "@meshfleet/uci/testing";
import { JobExecutor } from "./executor";
import { FileJobStateStore } from "./state-store";
import type { JobClock } from "./types";

const WIRELESS = uciFixture("wireless-22.03.conf");
const FIREWALL = "config defaults\n\toption input 'ACCEPT'\n";
/** Virtual time: sleep advances it after a real tick (so a racing check settles first). */
function fakeClock(): JobClock {
  let t = 1_700_000_000_000;
  return {
    now: () => t,
    sleep: (ms, signal) =>
      new Promise<void>((r) => setTimeout(r, 1)).then(() => {
        if (!signal?.aborted) t += ms;
      }),
  };
}

function job(over: Partial<Job>): Job {
  return {
    type: "job",
    v: PROTOCOL_VERSION,
    id: "job-scope-0001",
    node: "r1",
    attempt: 1,
    createdAt: 1_700_000_000_000,
    expiresAt: 1_700_000_000_000 + 3_600_000,
    description: "scope",
    template: "roaming",
    ops: [{ op: "set", config: "wireless", section: "default_radio1", option: "ieee80211r", value: "1" }],
    reloads: ["wifi"],
    verify: { deadlineMs: 10_000 },
    ...over,
  };
}

/** Every file under the directory with its content: "nothing changed on disk" is this being equal. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name).slice(dir.length)] = await readFile(join(e.parentPath, e.name), "utf8");
  }
  return out;
}

describe("JobExecutor refuses ops outside the job's template (real files)", () => {
  let root: string;
  let runner: UciFileRunner;
  let statuses: JobStatus[];
  let executor: JobExecutor;
  const report = (s: JobStatus) => {
    statuses.push(s);
    return Promise.resolve();
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "mf-scope-"));
    await writeFile(join(root, "wireless"), WIRELESS);
    await writeFile(join(root, "firewall"), FIREWALL);
    const backend = new FileUciBackend(root);
    runner = new UciFileRunner(backend);
    statuses = [];
    executor = new JobExecutor({ backend, runner, store: new FileJobStateStore(join(root, "state", "jobs.json")), verifier: { check: () => Promise.resolve({ ok: true }) }, clock: fakeClock() });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const refused = [
    { why: "a package the template never touches", j: job({ ops: [{ op: "set", config: "wireless", section: "default_radio1", option: "ieee80211r", value: "1" }, { op: "set", config: "system", section: "@system[0]", option: "hostname", value: "pwned" }] }) },
    { why: "an option the template never sets", j: job({ template: "ssid", ops: [{ op: "set", config: "wireless", section: "radio0", option: "disabled", value: "1" }] }) },
    { why: "a firewall include (runs a script) in a raw job", j: job({ template: "raw", reloads: ["firewall"], ops: [{ op: "section", config: "firewall", section: "evil", type: "include" }, { op: "set", config: "firewall", section: "evil", option: "path", value: "/tmp/x.sh" }] }) },
    { why: "an unknown template", j: job({ template: "backdoor" }) },
    { why: "no template (an older controller: judged as raw) reaching dropbear", j: job({ template: undefined, ops: [{ op: "set", config: "dropbear", section: "@dropbear[0]", option: "PasswordAuth", value: "on" }] }) },
  ];
  for (const { why, j } of refused) {
    it(`refuses ${why}: failed with ${ERROR_CODES.jobRefused}, nothing on disk changed, nothing reloaded`, async () => {
      const before = await tree(root);
      await executor.handle(j, report);
      expect(statuses.map((s) => [s.state, s.code])).toEqual([
        ["received", undefined],
        ["failed", ERROR_CODES.jobRefused],
      ]);
      expect(statuses[1]!.reason).toMatch(/^E_JOB_REFUSED: refused, nothing changed: /);
      expect(await tree(root)).toEqual(before);
      expect(runner.commands).toEqual([]);
    });
  }

  it("names each refused op without its value", async () => {
    await executor.handle(job({ template: "ssid", ops: [{ op: "set", config: "wireless", section: "default_radio0", option: "key", value: "fine-key-1" }, { op: "set", config: "network", section: "lan", option: "ipaddr", value: "10.9.9.9" }] }), report);
    expect(statuses[1]!.reason).toBe("E_JOB_REFUSED: refused, nothing changed: set network.lan.ipaddr: package network is outside the ssid template");
  });

  it("applies a job whose ops are all inside its template (the same executor, the same files)", async () => {
    await executor.handle(job({}), report);
    expect(statuses.map((s) => s.state)).toEqual(["received", "applying", "applying", "applying", "applied", "verified"]);
    expect(await readFile(join(root, "wireless"), "utf8")).toContain("\toption ieee80211r '1'\n");
    expect(runner.commands).toEqual([["wifi", "reload"]]);
  });
});
