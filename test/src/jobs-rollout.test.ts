import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@meshfleet/testkit";
import { PROTOCOL_VERSION, subjects, type Job } from "@meshfleet/shared";
import { controllerCli, repoRoot } from "./controller-helpers";
import { api, FIREWALL, startFleet, WIRELESS_1907, WIRELESS_2203, type Fleet } from "./jobs-fleet";

/**
 * Configuration jobs end to end: a real nats-server, the controller (SQLite, HTTP API,
 * job service) and ten real Agents applying jobs to their own UCI roots (n01–n05 through
 * the file backend, n06–n10 through `uci batch` over the uci emulator; odd nodes 19.07,
 * even nodes 23.05). The tests run in order on one fleet.
 */

const ROAMING_KEY = "new fleet key";
const ROAMING_OPTS = [
  "\toption ssid 'HomeNet'",
  "\toption encryption 'psk2'",
  `\toption key '${ROAMING_KEY}'`,
  "\toption ieee80211r '1'",
  "\toption mobility_domain 'beef'",
  "\toption ft_over_ds '0'",
  "\toption ft_psk_generate_local '1'",
  "\toption ieee80211k '1'",
  "\toption bss_transition '1'",
].join("\n");

function ap(section: string, device: string): string {
  return `config wifi-iface '${section}'\n\toption device '${device}'\n\toption network 'lan'\n\toption mode 'ap'\n${ROAMING_OPTS}\n`;
}

const ROAMED_1907 = [
  "",
  "config wifi-device 'radio0'\n\toption type 'mac80211'\n\toption channel '36'\n\toption hwmode '11a'\n\toption path 'pci0000:00/0000:00:00.0'\n\toption htmode 'VHT80'\n\toption country 'DE'\n",
  ap("default_radio0", "radio0"),
  "config wifi-device 'radio1'\n\toption type 'mac80211'\n\toption channel '11'\n\toption hwmode '11g'\n\toption path 'platform/ahb/18100000.wmac'\n\toption htmode 'HT20'\n",
  ap("default_radio1", "radio1"),
  "",
].join("\n");

const ROAMED_2203 = [
  "",
  "config wifi-device 'radio0'\n\toption type 'mac80211'\n\toption path 'platform/soc/18000000.wifi'\n\toption channel '1'\n\toption band '2g'\n\toption htmode 'HE20'\n\toption cell_density '0'\n",
  ap("default_radio0", "radio0"),
  "config wifi-device 'radio1'\n\toption type 'mac80211'\n\toption path 'platform/soc/18000000.wifi+1'\n\toption channel '36'\n\toption band '5g'\n\toption htmode 'HE80'\n\toption cell_density '0'\n",
  ap("default_radio1", "radio1"),
  "config wifi-iface 'mesh'\n\toption device 'radio1'\n\toption network 'lan'\n\toption mode 'mesh'\n\toption mesh_id 'fleetmesh'\n\toption encryption 'sae'\n\toption key 'mesh key 1'\n\toption mesh_fwding '1'\n",
  "",
].join("\n");

const ids = Array.from({ length: 10 }, (_, i) => `n${String(i + 1).padStart(2, "0")}`);

async function waitJob(fleet: Fleet, id: string, statuses: string[], timeoutMs = 20_000): Promise<any> {
  return waitFor(
    async () => {
      const j = (await api(fleet, "GET", `/api/jobs/${id}`)).body;
      return statuses.includes(j.status) ? j : null;
    },
    { timeoutMs, what: `job ${id} to be ${statuses.join("|")}`, intervalMs: 100 },
  );
}

describe("configuration jobs end to end (nats-server, controller, 10 agents on UCI roots)", () => {
  let fleet: Fleet;
  let roamingJob = "";

  beforeAll(async () => {
    fleet = await startFleet(10);
    for (const id of ids) fleet.startAgent(id);
    // Every node has said hello and reported its wireless config.
    await waitFor(async () => (await Promise.all(ids.map(async (id) => (await fleet.service.repo.wireless(id)) !== null && (await fleet.store.nodes.get(id))?.release !== null))).every(Boolean), {
      timeoutMs: 20_000,
      what: "every node's wireless config",
    });
  }, 60_000);
  afterAll(async () => {
    await fleet?.dispose();
  }, 60_000);

  it("a roaming rollout to 10 nodes writes exactly the expected files on each", async () => {
    const r = await api(fleet, "POST", "/api/jobs", {
      template: "roaming",
      target: "all",
      params: { ssid: "HomeNet", key: ROAMING_KEY, mobility_domain: "BEEF", ieee80211k: true, bss_transition: true },
      rollout: { canary: 1, batchSize: 4 },
      verify: { deadlineMs: 5000 },
    });
    expect(r.status).toBe(201);
    expect(r.text).not.toContain(ROAMING_KEY);
    roamingJob = r.body.id;
    const job = await waitJob(fleet, roamingJob, ["completed", "halted"]);
    expect(job.status).toBe("completed");
    expect(job.nodes.map((n: any) => [n.node, n.state, n.batch])).toEqual(ids.map((id, i) => [id, "verified", i === 0 ? 0 : 1 + Math.floor((i - 1) / 4)]));
    for (const n of job.nodes) expect(n.finishedAt).toBeGreaterThanOrEqual(n.firstSentAt);
    for (const [i, id] of ids.entries()) {
      expect(fleet.file(id, "wireless")).toBe(i % 2 === 0 ? ROAMED_1907 : ROAMED_2203);
      expect(fleet.file(id, "firewall")).toBe(FIREWALL);
      const states = fleet.nodes.get(id)!.statuses.filter((s) => s.jobId === roamingJob).map((s) => s.state);
      expect(states).toEqual(["received", "applying", "applying", "applying", "applied", "verified"]);
    }
    expect(JSON.stringify((await api(fleet, "GET", `/api/jobs/${roamingJob}`)).body)).not.toContain(ROAMING_KEY);
  }, 60_000);

  it("a redelivered job is reported again but not applied twice", async () => {
    const n02 = fleet.nodes.get("n02")!;
    // A hand edit a second apply + commit would rewrite away.
    writeFileSync(join(n02.root, "wireless"), `${ROAMED_2203}# edited by hand\n`);
    const reloadsBefore = n02.runner.commands.filter((c) => c[0] === "wifi").length;
    const row = (await fleet.service.repo.job(roamingJob))!;
    const extra = (await fleet.service.repo.extra(roamingJob, "n02"))!;
    const again: Job = {
      type: "job",
      v: PROTOCOL_VERSION,
      id: roamingJob,
      node: "n02",
      attempt: 7,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      description: row.description,
      ops: extra.ops,
      reloads: extra.reloads,
      verify: row.verify,
    };
    fleet.nc.publish(subjects.job("n02"), JSON.stringify(again));
    await waitFor(() => n02.deliveries.some((d) => d.id === roamingJob && d.attempt === 7) && n02.statuses.at(-1)?.step === "final status (repeated)", { what: "n02 re-report" });
    expect(n02.statuses.slice(-3).map((s) => s.state)).toEqual(["received", "duplicate", "verified"]);
    expect(fleet.file("n02", "wireless")).toBe(`${ROAMED_2203}# edited by hand\n`);
    expect(n02.runner.commands.filter((c) => c[0] === "wifi").length).toBe(reloadsBefore);
    expect((await api(fleet, "GET", `/api/jobs/${roamingJob}`)).body.nodes[1]).toMatchObject({ node: "n02", state: "verified", attempts: 1 });
    writeFileSync(join(n02.root, "wireless"), ROAMED_2203);
  }, 30_000);

  it("a canary that fails verification is rolled back byte for byte and halts the rollout; the others are untouched", async () => {
    const r = await api(fleet, "POST", "/api/jobs", {
      template: "routing-firewall",
      target: "all",
      params: { protocol: "ripng" },
      rollout: { canary: 1, batchSize: 5 },
      // No node has mesh peers in this fleet: the verification cannot pass.
      verify: { deadlineMs: 1000, minMeshPeers: 1 },
    });
    expect(r.status).toBe(201);
    const job = await waitJob(fleet, r.body.id, ["halted", "completed"]);
    expect(job.status).toBe("halted");
    expect(job.reason).toBe("1 node(s) failed or rolled back (more than 0 allowed)");
    expect(job.nodes[0]).toMatchObject({ node: "n01", state: "rolled_back", reason: "verify: 0/1 mesh peers (deadline of 1000 ms passed)" });
    expect(job.nodes.slice(1).map((n: any) => n.state)).toEqual(Array(9).fill("pending"));
    const n01 = fleet.nodes.get("n01")!;
    expect(n01.statuses.filter((s) => s.jobId === r.body.id).map((s) => s.state)).toEqual(["received", "applying", "applying", "applying", "applied", "applying", "rolled_back"]);
    // The rule was committed and reloaded, then restored and reloaded again.
    expect(n01.runner.commands.filter((c) => c.join(" ") === "/etc/init.d/firewall reload")).toHaveLength(2);
    for (const id of ids) expect(fleet.file(id, "firewall")).toBe(FIREWALL);
    for (const id of ids.slice(1)) expect(fleet.nodes.get(id)!.deliveries.some((d) => d.id === r.body.id)).toBe(false);
    const cancelled = await api(fleet, "POST", `/api/jobs/${r.body.id}/cancel`);
    expect(cancelled.body.status).toBe("cancelled");
    expect(cancelled.body.counts).toMatchObject({ rolled_back: 1, skipped: 9 });
  }, 30_000);

  it("a node offline during the rollout gets the job when it reconnects", async () => {
    await fleet.stopAgent("n05");
    const r = await api(fleet, "POST", "/api/jobs", {
      template: "mesh",
      target: "n04,n05",
      params: { mesh_id: "newmesh", key: "mesh secret 2", channel: 44 },
      rollout: { canary: 0, batchSize: 2, resendEveryMs: 1000 },
      verify: { deadlineMs: 5000 },
    });
    expect(r.status).toBe(201);
    await waitFor(async () => (await api(fleet, "GET", `/api/jobs/${r.body.id}`)).body.nodes.find((n: any) => n.node === "n04").state === "verified", { what: "n04 verified" });
    // The offline node's delivery is re-sent (the event), and it stays "sent" meanwhile.
    let job = await waitFor(
      async () => {
        const j = (await api(fleet, "GET", `/api/jobs/${r.body.id}`)).body;
        return j.nodes.find((n: any) => n.node === "n05").attempts >= 2 ? j : null;
      },
      { timeoutMs: 15_000, what: "the job re-sent to the offline n05" },
    );
    const n05 = job.nodes.find((n: any) => n.node === "n05");
    expect(job.status).toBe("running");
    expect(n05.state).toBe("sent");
    expect(fleet.file("n05", "wireless")).toBe(ROAMED_1907);

    fleet.startAgent("n05");
    job = await waitJob(fleet, r.body.id, ["completed"]);
    expect(job.nodes.map((n: any) => [n.node, n.state])).toEqual([
      ["n04", "verified"],
      ["n05", "verified"],
    ]);
    // 23.05: band; the existing mesh section updated in place.
    expect(fleet.file("n04", "wireless")).toBe(
      ROAMED_2203.replace("\toption channel '36'\n\toption band '5g'", "\toption channel '44'\n\toption band '5g'")
        .replace("option mesh_id 'fleetmesh'", "option mesh_id 'newmesh'")
        .replace("option key 'mesh key 1'", "option key 'mesh secret 2'"),
    );
    // 19.07: the 5 GHz radio is found by hwmode, a new mesh section appended.
    expect(fleet.file("n05", "wireless")).toBe(
      `${ROAMED_1907.replace("\toption channel '36'\n\toption hwmode '11a'", "\toption channel '44'\n\toption hwmode '11a'")}config wifi-iface 'mesh'\n\toption device 'radio0'\n\toption mode 'mesh'\n\toption mesh_id 'newmesh'\n\toption encryption 'sae'\n\toption key 'mesh secret 2'\n\toption network 'lan'\n\toption mesh_fwding '1'\n\n`,
    );
  }, 40_000);

  it("a controller restart in the middle of a rollout loses nothing: the job carries on from SQLite", async () => {
    const r = await api(fleet, "POST", "/api/jobs", {
      template: "routing-firewall",
      target: "n06,n07,n09,n10",
      params: { protocol: "babel", zone: "lan" },
      rollout: { canary: 1, batchSize: 3, pauseMs: 1500 },
      verify: { deadlineMs: 5000 },
    });
    expect(r.status).toBe(201);
    await waitFor(async () => (await api(fleet, "GET", `/api/jobs/${r.body.id}`)).body.nodes[0].state === "verified", { what: "canary verified" });
    // During the pause before the next batch.
    await fleet.restartController();
    const job = await waitJob(fleet, r.body.id, ["completed", "halted"]);
    expect(job.nodes.map((n: any) => [n.node, n.state, n.attempts])).toEqual([
      ["n06", "verified", 1],
      ["n07", "verified", 1],
      ["n09", "verified", 1],
      ["n10", "verified", 1],
    ]);
    const rule = "\nconfig rule 'meshfleet_babel'\n\toption name 'Allow-Babel'\n\toption family 'ipv6'\n\tlist proto 'udp'\n\toption src 'lan'\n\tlist src_ip 'fe80::/10'\n\toption dest_port '6696'\n\toption target 'ACCEPT'\n\n";
    for (const id of ["n06", "n07", "n09", "n10"]) expect(fleet.file(id, "firewall")).toBe(`${FIREWALL.slice(0, -1)}${rule}`);
    expect(fleet.file("n08", "firewall")).toBe(FIREWALL);
  }, 40_000);

  it("the CLI applies a job and shows live per-node progress until it ends", async () => {
    const args = [...controllerCli, "job", "apply", "--api", fleet.api, "--template", "ssid", "--target", "n09,n10"];
    args.push("--param", "ssid=HomeNet", "--param", "key=cli secret key", "--param", "match_ssid=HomeNet", "--canary", "1", "--batch-size", "1", "--deadline", "5s");
    const res = await new Promise<{ code: number | null; out: string }>((resolve) => {
      let out = "";
      const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
      child.stdout.on("data", (b: Buffer) => (out += b.toString()));
      child.stderr.on("data", (b: Buffer) => (out += b.toString()));
      child.on("exit", (code) => resolve({ code, out }));
    });
    expect(res.code).toBe(0);
    const lines = res.out.split("\n");
    expect(lines[0]).toMatch(/^job job-[0-9a-f-]+ created \(2 nodes\)$/);
    expect(lines.filter((l) => /^ {2}n(09|10) +verified/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith("[")).at(-1)).toBe("[##############################] 2/2 completed (verified 2, failed 0, rolled back 0, skipped 0)");
    expect(res.out).not.toContain("cli secret key");
    for (const id of ["n09", "n10"]) expect(fleet.file(id, "wireless")).toContain("\toption key 'cli secret key'\n");
  }, 40_000);

  it("malicious values are rejected (400 naming the field) or stored literally, never executed", async () => {
    const bad = await api(fleet, "POST", "/api/jobs", { template: "ssid", target: "n03", params: { ssid: "guest\nrm -rf /", key: "abc\rdefgh" } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: any) => i.path)).toEqual(["params.ssid", "params.key"]);
    const raw = await api(fleet, "POST", "/api/jobs", { template: "raw", target: "n03", params: { ops: [{ op: "set", config: "wireless", section: "radio0", option: "country", value: "DE\u001b[2J" }] } });
    expect(raw.status).toBe(400);
    expect(raw.body.issues.map((i: any) => i.path)).toEqual(["params.ops.0.value"]);
    const injectSection = await api(fleet, "POST", "/api/jobs", { template: "raw", target: "n03", params: { ops: [{ op: "delete", config: "wireless", section: "radio0;reboot" }] } });
    expect(injectSection.body.issues.map((i: any) => i.path)).toEqual(["params.ops.0.section"]);

    const pwned = join(fleet.dir, "pwned");
    const ssid = `it's;$(touch ${pwned})`.slice(0, 32);
    const key = `k'ey"; $(touch ${pwned}) \`id\``;
    const r = await api(fleet, "POST", "/api/jobs", { template: "ssid", target: "n03,n08", params: { ssid, key, match_ssid: "HomeNet" }, rollout: { canary: 0, batchSize: 2 }, verify: { deadlineMs: 5000 } });
    expect(r.status).toBe(201);
    const job = await waitJob(fleet, r.body.id, ["completed", "halted"]);
    expect(job.nodes.map((n: any) => n.state)).toEqual(["verified", "verified"]);
    expect(JSON.stringify(job)).not.toContain(key);
    const quoted = (v: string) => `'${v.split("'").join("'\\''")}'`;
    for (const id of ["n03", "n08"]) {
      const text = fleet.file(id, "wireless");
      expect(text.split("\n").filter((l) => l.startsWith("\toption ssid "))).toEqual([`\toption ssid ${quoted(ssid)}`, `\toption ssid ${quoted(ssid)}`]);
      expect(text.split("\n").filter((l) => l.startsWith("\toption key ") && l.includes("touch"))).toEqual([`\toption key ${quoted(key)}`, `\toption key ${quoted(key)}`]);
    }
    expect(existsSync(pwned)).toBe(false);
    // n08 went through `uci batch`: its stdin held the quoted value, argv held no value at all.
    const batch = fleet.nodes.get("n08")!.runner.commands.filter((c) => c[1] === "batch");
    expect(batch.length).toBeGreaterThan(0);
    expect(fleet.nodes.get("n08")!.runner.commands.every((c) => !c.join(" ").includes("touch"))).toBe(true);
    expect(WIRELESS_1907).not.toContain("touch");
    expect(WIRELESS_2203).not.toContain("touch");
  }, 40_000);
});
