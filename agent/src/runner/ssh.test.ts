import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "@meshfleet/testkit";
import { ERROR_CODES, errorCode } from "@meshfleet/shared";
import { SshRunner } from "./ssh";
import { runnerContract, HOSTILE_ARGS } from "../../testing/runner-contract";
import { startTestSshServer, sshdUnavailableReason, type TestSshServer } from "../../testing/ssh-server";
import { remoteCommandLine, shellQuote } from "./quote";
import { LocalRunner } from "./local";

describe("ssh argv construction", () => {
  it("quotes every element for the remote POSIX shell", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(remoteCommandLine(["iw", "dev", "wlan0 x", "$(id)"])).toBe(`LC_ALL=C; export LC_ALL; exec 'iw' 'dev' 'wlan0 x' '$(id)'`);
    expect(() => shellQuote("a\u0000b")).toThrow(/NUL/);
  });

  it("builds a batch-mode ssh command with key, port and known hosts", () => {
    const r = new SshRunner({ host: "r1.lan", port: 2222, identityFile: "/etc/meshfleet/id_ed25519", knownHostsFile: "/etc/meshfleet/known_hosts", connectTimeoutSec: 3 });
    expect(r.sshArgv(["birdc", "show", "route"])).toEqual([
      "ssh", "-T", "-o", "BatchMode=yes", "-o", "ConnectTimeout=3",
      "-o", "StrictHostKeyChecking=accept-new", "-o", "LogLevel=ERROR",
      "-o", "UserKnownHostsFile=/etc/meshfleet/known_hosts",
      "-i", "/etc/meshfleet/id_ed25519", "-p", "2222",
      "root@r1.lan", "--", "LC_ALL=C; export LC_ALL; exec 'birdc' 'show' 'route'",
    ]);
    expect(r.description).toBe("ssh root@r1.lan:2222");
  });

  it("refuses hosts and users that would be read as ssh options", () => {
    expect(() => new SshRunner({ host: "-oProxyCommand=touch /tmp/x" })).toThrow(/invalid ssh host/);
    expect(() => new SshRunner({ host: "r1", user: "-l" })).toThrow(/invalid ssh user/);
  });

  it("the quoted line survives a real POSIX shell verbatim (sh -c)", async () => {
    const line = remoteCommandLine(["printf", "%s\\n", ...HOSTILE_ARGS]);
    const res = await new LocalRunner().run(["sh", "-c", line]);
    expect(res.stdout).toBe(HOSTILE_ARGS.map((a) => `${a}\n`).join(""));
  });
});

const unavailable = sshdUnavailableReason();
let srv: TestSshServer | null = null;
beforeAll(async () => {
  if (!unavailable) srv = await startTestSshServer();
});
afterAll(async () => {
  await srv?.stop();
});

const make = () => {
  if (!srv) throw new Error(`no test sshd: ${unavailable ?? "not started"}`);
  return new SshRunner({ host: "127.0.0.1", port: srv.port, identityFile: srv.identityFile, knownHostsFile: srv.knownHostsFile });
};

if (unavailable === null) {
  runnerContract("ssh to a real local sshd", {
    make,
    cases: [
      { what: "echo", argv: ["echo", "hello", "mesh"], stdout: "hello mesh\n" },
      { what: "the remote host's uptime file", argv: ["cat", "/proc/uptime"], stdout: (s) => /^\d+\.\d+ \d+\.\d+\n$/.test(s) },
    ],
    realPrograms: true,
    timeout: { argv: ["sleep", "10"], timeoutMs: 1500 },
  });

  describe("SshRunner against a real sshd", () => {
    it("does not let `$(...)` run on the remote side", async () => {
      const res = await make().run(["echo", "$(touch /tmp/mf-ssh-pwned)"]);
      expect(res.stdout).toBe("$(touch /tmp/mf-ssh-pwned)\n");
      expect(existsSync("/tmp/mf-ssh-pwned")).toBe(false);
    });

    it("reuses one connection with a control master and closes it", async () => {
      const controlDir = mkdtempSync(join(tmpdir(), "mf-ssh-ctl-"));
      try {
        const r = new SshRunner({ host: "127.0.0.1", port: srv!.port, identityFile: srv!.identityFile, knownHostsFile: srv!.knownHostsFile, controlDir });
        expect((await r.run(["echo", "one"])).stdout).toBe("one\n");
        expect(readdirSync(controlDir)).toHaveLength(1);
        expect((await r.run(["echo", "two"])).stdout).toBe("two\n");
        await r.close();
        await waitFor(() => readdirSync(controlDir).length === 0, { timeoutMs: 5000, what: "the control socket to go" });
      } finally {
        rmSync(controlDir, { recursive: true, force: true });
      }
    });

    it("reports an unreachable router as E_COMMAND_FAILED naming ssh", async () => {
      const r = new SshRunner({ host: "127.0.0.1", port: 1, identityFile: srv!.identityFile, knownHostsFile: srv!.knownHostsFile, connectTimeoutSec: 2 });
      const e = (await r.run(["true"]).catch((x: unknown) => x)) as { message: string };
      expect(errorCode(e)).toBe(ERROR_CODES.commandFailed);
      expect(e.message).toContain("ssh to root@127.0.0.1 failed");
    });
  });
}
// Without sshd (or root) only the argv construction above runs; the reason is sshdUnavailableReason().
