import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION, type Job, type JobStatus } from "@meshfleet/shared";
import { FileUciBackend, UciFileRunner } from "@meshfleet/uci";
import { uciFixture } from "@meshfleet/uci/testing";
import { JobExecutor } from "./executor";
import { FileJobStateStore, MemoryJobStateStore, type JobStateStore } from "./state-store";
import type { JobClock, JobVerifier, VerifyResult } from "./types";
import { brokerRoundTrip, createVerifier } from "./verify";

const WIRELESS = uciFixture("wireless-22.03.conf");

/** Virtual time: sleep advances it, after a real tick so racing promises can settle. */
function fakeClock(start = 1_700_000_000_000): JobClock & { t: number } {
  const c = {
    t: start,
    now: () => c.t,
    sleep: (ms: number, signal?: AbortSignal) =>
      new Promise<void>((r) => setTimeout(r, 1)).then(() => {
        if (!signal?.aborted) c.t += ms;
      }),
  };
  return c;
}

const verifier = (results: VerifyResult[]): JobVerifier & { calls: number } => {
  const v = {
    calls: 0,
    check: () => Promise.resolve(results[Math.min(v.calls++, results.length - 1)]!),
  };
  return v;
};

function makeJob(over: Partial<Job> = {}): Job {
  return {
    type: "job",
    v: 1,
    id: "job-roaming-0001",
    node: "r1",
    attempt: 1,
    createdAt: 1_700_000_000_000,
    expiresAt: 1_700_000_000_000 + 3_600_000,
    description: "802.11r on HomeNet",
    ops: [
      { op: "set", config: "wireless", section: "default_radio1", option: "ieee80211r", value: "1" },
      { op: "set", config: "wireless", section: "default_radio1", option: "mobility_domain", value: "4f57" },
    ],
    reloads: ["wifi"],
    verify: { deadlineMs: 10_000 },
    ...over,
  };
}

describe("JobExecutor", () => {
  let root: string;
  let backend: FileUciBackend;
  let runner: UciFileRunner;
  let clock: ReturnType<typeof fakeClock>;
  let statuses: JobStatus[];
  const report = (s: JobStatus) => {
    statuses.push(s);
    return Promise.resolve();
  };
  const states = () => statuses.map((s) => s.state);
  const executor = (v: JobVerifier, store: JobStateStore = new MemoryJobStateStore()) =>
    new JobExecutor({ backend, runner, store, verifier: v, clock, verifyPollMs: 1000 });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "mf-jobs-"));
    await writeFile(join(root, "wireless"), WIRELESS);
    backend = new FileUciBackend(root);
    runner = new UciFileRunner(backend);
    clock = fakeClock();
    statuses = [];
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("applies, commits, reloads, verifies and reports each step", async () => {
    await executor(verifier([{ ok: true, detail: "controller reachable" }])).handle(makeJob(), report);
    expect(states()).toEqual(["received", "applying", "applying", "applying", "applied", "verified"]);
    expect(statuses.map((s) => s.step)).toEqual([
      "attempt 1",
      "apply 2 operation(s) to wireless",
      "commit",
      "reload wifi",
      null,
      "controller reachable",
    ]);
    expect(statuses.every((s) => s.jobId === "job-roaming-0001" && s.node === "r1")).toBe(true);
    expect(await readFile(join(root, "wireless"), "utf8")).toBe(
      WIRELESS.replace("\toption key 'correct horse'\n\nconfig wifi-iface 'mesh'", "\toption key 'correct horse'\n\toption ieee80211r '1'\n\toption mobility_domain '4f57'\n\nconfig wifi-iface 'mesh'"),
    );
    expect(runner.commands).toEqual([["wifi", "reload"]]);
  });

  it("a redelivered job is re-reported, never applied twice (also after a restart, from the state file)", async () => {
    const storePath = join(root, "state", "jobs.json");
    await executor(verifier([{ ok: true }]), new FileJobStateStore(storePath)).handle(makeJob(), report);
    const after = await readFile(join(root, "wireless"), "utf8");
    // Someone edits the file by hand; a re-apply would be visible.
    await writeFile(join(root, "wireless"), `${after}# hand edit\n`);
    statuses = [];
    const restarted = executor(verifier([{ ok: true }]), new FileJobStateStore(storePath));
    await restarted.handle(makeJob({ attempt: 2 }), report);
    expect(states()).toEqual(["received", "duplicate", "verified"]);
    expect(statuses[1]!.step).toBe("already verified");
    expect(await readFile(join(root, "wireless"), "utf8")).toBe(`${after}# hand edit\n`);
    expect(runner.commands).toEqual([["wifi", "reload"]]);
  });

  it("a failed verification restores the files byte for byte, reloads again and reports rolled_back", async () => {
    const v = verifier([{ ok: false, reason: "not connected to the controller" }]);
    await executor(v).handle(makeJob({ verify: { deadlineMs: 5000 } }), report);
    expect(states()).toEqual(["received", "applying", "applying", "applying", "applied", "applying", "rolled_back"]);
    expect(statuses[5]!.step).toBe("rollback: reload wifi");
    expect(statuses.at(-1)!.reason).toBe("verify: not connected to the controller (deadline of 5000 ms passed)");
    expect(await readFile(join(root, "wireless"), "utf8")).toBe(WIRELESS);
    expect(runner.commands).toEqual([["wifi", "reload"], ["wifi", "reload"]]);
    // Polled once a second for the 5 s deadline.
    expect(v.calls).toBe(5);
  });

  it("verification that passes before the deadline is enough", async () => {
    const v = verifier([{ ok: false, reason: "reconnecting" }, { ok: false, reason: "reconnecting" }, { ok: true }]);
    await executor(v).handle(makeJob(), report);
    expect(states().at(-1)).toBe("verified");
    expect(v.calls).toBe(3);
  });

  it("an op that cannot apply fails without touching the files or reloading", async () => {
    const job = makeJob({ ops: [{ op: "delete", config: "wireless", section: "radio0", option: "nosuch" }] });
    await executor(verifier([{ ok: true }])).handle(job, report);
    expect(states()).toEqual(["received", "applying", "failed"]);
    expect(statuses.at(-1)!.reason).toMatch(/^apply failed: uci: Entry not found \(wireless\.radio0\.nosuch\)/);
    expect(await readFile(join(root, "wireless"), "utf8")).toBe(WIRELESS);
    expect(runner.commands).toEqual([]);
  });

  it("a failing reload rolls back", async () => {
    const failing = {
      description: "wifi fails",
      run: (argv: readonly string[]) =>
        argv[0] === "wifi" && runner.commands.length === 0
          ? (runner.commands.push([...argv]), Promise.resolve({ stdout: "", stderr: "radio0 busy", exitCode: 1 }))
          : runner.run(argv),
    };
    const ex = new JobExecutor({ backend, runner: failing, store: new MemoryJobStateStore(), verifier: verifier([{ ok: true }]), clock });
    await ex.handle(makeJob(), report);
    expect(states().at(-1)).toBe("rolled_back");
    expect(statuses.at(-1)!.reason).toBe("apply failed: wifi reload exited 1: radio0 busy");
    expect(await readFile(join(root, "wireless"), "utf8")).toBe(WIRELESS);
  });

  it("a corrupt state file refuses the job (it cannot know whether it ran it)", async () => {
    const storePath = join(root, "jobs.json");
    await writeFile(storePath, "{ not json");
    await executor(verifier([{ ok: true }]), new FileJobStateStore(storePath)).handle(makeJob(), report);
    expect(states()).toEqual(["received", "failed"]);
    expect(statuses[1]!.reason).toMatch(/^job state unavailable, not applied: /);
    expect(await readFile(join(root, "wireless"), "utf8")).toBe(WIRELESS);
  });

  it("an expired job is not applied", async () => {
    clock.t = makeJob().expiresAt + 1;
    await executor(verifier([{ ok: true }])).handle(makeJob(), report);
    expect(states()).toEqual(["received", "failed"]);
    expect(statuses[1]!.reason).toBe("job expired before it was applied");
    expect(await readFile(join(root, "wireless"), "utf8")).toBe(WIRELESS);
  });

  it("a job interrupted by a restart is rolled back on the next start", async () => {
    const storePath = join(root, "state", "jobs.json");
    const store = new FileJobStateStore(storePath);
    const snap = await backend.snapshot(["wireless"]);
    await store.put({ jobId: "job-roaming-0001", state: "in_progress", reason: null, startedAt: clock.t, finishedAt: null, snapshot: snap, reloads: ["wifi"] });
    await writeFile(join(root, "wireless"), "\nconfig wifi-device 'radio0'\n\toption channel '100'\n\n");
    const ex = executor(verifier([{ ok: true }]), new FileJobStateStore(storePath));
    await ex.handle(makeJob({ attempt: 3 }), report);
    expect(await readFile(join(root, "wireless"), "utf8")).toBe(WIRELESS);
    expect(states()).toEqual(["received", "duplicate", "rolled_back"]);
    expect(statuses.at(-1)!.reason).toMatch(/restarted before the job was verified/);
    expect(JSON.parse(await readFile(storePath, "utf8")).jobs[0]).toMatchObject({ state: "rolled_back", snapshot: null });
  });
});

describe("createVerifier", () => {
  const job = makeJob({ verify: { deadlineMs: 5000, minMeshPeers: 2, minNeighbors: 1 } });
  const clock = fakeClock();
  it("needs a round trip, then the peer counts", async () => {
    expect(await createVerifier({ clock, roundTrip: () => Promise.resolve(false) }).check(job)).toEqual({ ok: false, reason: "not connected to the controller" });
    expect(await createVerifier({ clock, roundTrip: () => Promise.reject(new Error("TIMEOUT")) }).check(job)).toEqual({
      ok: false,
      reason: "no round trip to the controller: TIMEOUT",
    });
    const v = (meshPeers: number, neighbors: number) => createVerifier({ clock, roundTrip: () => Promise.resolve(), countPeers: () => Promise.resolve({ meshPeers, neighbors }) });
    expect(await v(1, 3).check(job)).toEqual({ ok: false, reason: "1/2 mesh peers" });
    expect(await v(2, 0).check(job)).toEqual({ ok: false, reason: "0/1 routing neighbours" });
    expect(await v(2, 1).check(job)).toEqual({ ok: true, detail: "controller reachable, 2 mesh peers, 1 neighbours" });
  });
});

describe("brokerRoundTrip", () => {
  it("is an acknowledged JetStream publish of an applied status on the node's own subject", async () => {
    const sent: { subject: string; body: unknown; timeoutMs: number | undefined }[] = [];
    const pub = {
      connected: true,
      publish: (subject: string, data: Uint8Array, opts?: { timeoutMs?: number }) => {
        sent.push({ subject, body: JSON.parse(new TextDecoder().decode(data)), timeoutMs: opts?.timeoutMs });
        return Promise.resolve();
      },
    };
    const rt = brokerRoundTrip(pub, { now: () => 42 });
    expect(await rt(makeJob())).toBe(true);
    expect(sent).toEqual([
      {
        subject: "mf.jobstatus.r1",
        body: { type: "jobStatus", v: PROTOCOL_VERSION, jobId: "job-roaming-0001", node: "r1", boot: "verifier", ts: 42, state: "applied", reason: null, step: "verify: broker round trip" },
        timeoutMs: 3000,
      },
    ]);
    pub.connected = false;
    expect(await rt(makeJob())).toBe(false);
    const failing = { connected: true, publish: () => Promise.reject(new Error("TIMEOUT")) };
    const v = createVerifier({ clock: fakeClock(), roundTrip: brokerRoundTrip(failing, { now: () => 0 }) });
    expect(await v.check(makeJob())).toEqual({ ok: false, reason: "no round trip to the controller: TIMEOUT" });
  });
});
