import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Hono } from "hono";
import { Command } from "commander";
import { tempDir } from "@meshfleet/testkit";
import { FakeClock, openStore, type Store } from "../store/index";
import { silentLogger } from "../log";
import { writeBatch } from "../ingest/writer";
import { buildHello } from "../../testing";
import { baselineWireless } from "../jobs/baseline";
import { JobService } from "../jobs/service";
import { jobsRoutes } from "../jobs/routes";
import { registerJobCommand, runJobApply, type JobCliIo } from "./job-command";
import { coerceParams } from "./job-params";

const T0 = 1_800_000_000_000;

describe("job CLI", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let service: JobService;
  let app: Hono;
  let out: string;
  let polls: number;
  let onPoll: (n: number) => Promise<void>;
  const io = (): JobCliIo => ({
    fetch: (url, init) => Promise.resolve(app.request(url.replace("http://ctl:8080", ""), init)),
    write: (t) => {
      out += t;
    },
    sleep: () => onPoll(++polls),
    tty: false,
  });
  const report = (jobId: string, node: string, state: "applying" | "verified" | "rolled_back", reason: string | null = null, step: string | null = null) =>
    service.onItems([{ kind: "jobStatus", msg: { type: "jobStatus", v: 1, jobId, node, boot: "boot-0001", ts: T0, state, reason, step } }]);

  beforeEach(async () => {
    dir = tempDir("mf-job-cli-");
    const clock = new FakeClock(T0);
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    await writeBatch(store, ["n1", "n2"].map((node) => ({ kind: "hello" as const, msg: { ...buildHello({ node, ts: T0 }), capabilities: ["stations", "uci-jobs"] } })), T0);
    service = new JobService({ store, clock, log: silentLogger });
    for (const n of ["n1", "n2"]) await service.repo.putWireless(n, T0, baselineWireless("23.05.3"));
    app = new Hono();
    app.route("/api", jobsRoutes(service));
    out = "";
    polls = 0;
    onPoll = () => Promise.resolve();
  });
  afterEach(async () => {
    store.close();
    dir.cleanup();
  });

  it("types --param values by the template's schema", async () => {
    expect(coerceParams("roaming", ["ssid=Home=Net", "mobility_domain=1234", "ft_over_ds=1", "ieee80211k=false"])).toEqual({
      ssid: "Home=Net",
      mobility_domain: "1234",
      ft_over_ds: true,
      ieee80211k: false,
    });
    expect(coerceParams("mesh", ["channel=36", "mesh_id=42"])).toEqual({ channel: 36, mesh_id: "42" });
    expect(() => coerceParams("mesh", ["channel"])).toThrow(/key=value/);
  });

  it("apply shows per-node lines and a progress bar until the job ends", async () => {
    onPoll = async (n) => {
      const id = (await service.repo.list(1))[0]!.id;
      if (n === 1) await report(id, "n1", "applying", null, "reload wifi");
      if (n === 2) await report(id, "n1", "verified");
      if (n === 3) await report(id, "n2", "verified");
    };
    const code = await runJobApply(
      { template: "ssid", param: ["ssid=Fleet", "key=secret key 1"], target: "all", api: "http://ctl:8080", canary: "1", batchSize: "5", pollMs: 1 },
      io(),
    );
    expect(code).toBe(0);
    expect(out).not.toContain("secret key 1");
    const lines = out.split("\n");
    expect(lines[0]).toMatch(/^job job-[0-9a-f-]+ created \(2 nodes\)$/);
    expect(lines.slice(1)).toEqual([
      "  n1               sent       ",
      "  n2               pending    ",
      "[------------------------------] 0/2 running (verified 0, failed 0, rolled back 0, skipped 0)",
      "  n1               applying    reload wifi",
      "[------------------------------] 0/2 running (verified 0, failed 0, rolled back 0, skipped 0)",
      "  n1               verified   ",
      "  n2               sent       ",
      "[###############---------------] 1/2 running (verified 1, failed 0, rolled back 0, skipped 0)",
      "  n2               verified   ",
      "[##############################] 2/2 completed (verified 2, failed 0, rolled back 0, skipped 0)",
      "",
    ]);
  });

  it("a halted job exits 1 with the reason; an invalid one exits 2 listing the problems", async () => {
    onPoll = async () => report((await service.repo.list(1))[0]!.id, "n1", "rolled_back", "verify: 0/1 mesh peers");
    expect(await runJobApply({ template: "routing-firewall", param: ["protocol=babel"], target: "n1,n2", api: "http://ctl:8080", pollMs: 1 }, io())).toBe(1);
    expect(out).toContain("  n1               rolled_back verify: 0/1 mesh peers\n");
    expect(out).toContain("job halted: 1 node(s) failed or rolled back (more than 0 allowed)\n");
    out = "";
    expect(await runJobApply({ template: "mesh", param: ["mesh_id=m", "key=short", "channel=100"], target: "all", api: "http://ctl:8080" }, io())).toBe(2);
    expect(out).toBe("invalid job:\n  params.key: key must be 8–63 characters (or 64 hex digits)\n  params.channel: channel 100 is a DFS channel (52–144): mesh nodes drop out when radar is detected; use a non-DFS channel or set force\n");
  });

  it("dry run prints the plan with masked keys and creates nothing", async () => {
    expect(await runJobApply({ template: "ssid", param: ["ssid=Fleet", "key=topsecret1"], target: "n1", api: "http://ctl:8080", dryRun: true }, io())).toBe(0);
    expect(out).toContain("== n1 (reported)\n  uci set wireless.default_radio0.ssid=Fleet\n");
    expect(out).toContain("+\toption key '********'\n");
    expect(out).not.toContain("topsecret1");
    expect(await service.repo.list(10)).toEqual([]);
  });

  it("registers job apply/list/show/cancel/resume on the program", async () => {
    const program = new Command("meshfleet-controller");
    registerJobCommand(program, io());
    expect(program.commands.find((c) => c.name() === "job")!.commands.map((c) => c.name())).toEqual(["apply", "list", "show", "cancel", "resume"]);
  });
});
