import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connect, nkeyAuthenticator } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { TELEMETRY_STREAM, TELEMETRY_STREAM_SUBJECTS, subjects } from "@meshfleet/shared";
import { startNatsServer } from "@meshfleet/testkit";
import { controllerCli, repoRoot } from "../controller-helpers";

const cli = (...args: string[]) => spawnSync(process.execPath, [...controllerCli, ...args], { cwd: repoRoot, encoding: "utf8" });

describe("enroll and nats-config through the CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "mf-enroll-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("enrolls a node, writes a config nats-server accepts, and the node's seed file works only for its own subjects", async () => {
    const keys = join(dir, "keys");
    const e = cli("enroll", "r7", "--keys", keys);
    expect(e.status, e.stderr).toBe(0);
    const seed = readFileSync(join(keys, "r7.nk"), "utf8").trim();
    expect(seed).toMatch(/^SU[A-Z2-7]{56}$/);
    expect(e.stdout).not.toContain(seed);
    expect(statSync(join(keys, "r7.nk")).mode & 0o777).toBe(0o600);
    const c = cli("nats-config", "--keys", keys, "--out", join(dir, "auth.conf"));
    expect(c.status, c.stderr).toBe(0);
    const conf = readFileSync(join(dir, "auth.conf"), "utf8");
    expect(conf).toContain('"mf.tel.r7", "mf.hello.r7", "mf.jobstatus.r7", "mf.diagout.r7"');
    expect(conf).toContain('"mf.job.r7", "mf.diag.r7", "_INBOX_r7.>"');
    expect(conf).toContain('{ service: { account: "MESHFLEET", subject: "mf.diagout.r7" } }');
    expect(conf).toContain('{ stream: { account: "MESHFLEET", subject: "mf.diag.r7" } }');
    expect(conf).toContain('"NODE_r7": {');
    expect(conf).not.toContain(seed);
    const srv = await startNatsServer({ config: conf });
    try {
      const ctl = await connect({ servers: srv.url, authenticator: nkeyAuthenticator(new TextEncoder().encode(readFileSync(join(keys, "_controller.nk"), "utf8").trim())) });
      await (await jetstreamManager(ctl)).streams.add({ name: TELEMETRY_STREAM, subjects: [...TELEMETRY_STREAM_SUBJECTS] });
      const nc = await connect({ servers: srv.url, authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)), inboxPrefix: "_INBOX_r7" });
      const js = jetstream(nc, { timeout: 2000 });
      expect((await js.publish(subjects.telemetry("r7"), "{}")).seq).toBe(1);
      await expect(js.publish(subjects.telemetry("r8"), "{}")).rejects.toThrow();
      await nc.close();
      await ctl.close();
    } finally {
      await srv.dispose();
    }
  });
});
