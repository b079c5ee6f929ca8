import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ERROR_CODES, errorCode } from "@meshfleet/shared";
import { waitFor } from "@meshfleet/testkit";
import { LocalRunner } from "./local";
import { runnerContract } from "../../testing/runner-contract";

runnerContract("local", {
  make: () => new LocalRunner(),
  cases: [
    { what: "echo", argv: ["echo", "hello", "mesh"], stdout: "hello mesh\n" },
    { what: "a failing program", argv: ["false"], stdout: "", exitCode: 1 },
  ],
  realPrograms: true,
  timeout: { argv: ["sleep", "10"], timeoutMs: 300 },
});

describe("LocalRunner", () => {
  it("streams stdout as it is printed: the command waits for what the first line's callback does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mf-stream-"));
    const gate = join(dir, "go");
    try {
      const seen: string[] = [];
      const r = await new LocalRunner().run(["sh", "-c", `echo one; while [ ! -e ${gate} ]; do sleep 0.02; done; echo two`], {
        timeoutMs: 4000,
        onOutput: (t) => {
          seen.push(t);
          if (t.includes("one")) writeFileSync(gate, "");
        },
      });
      expect(seen.join("")).toBe("one\ntwo\n");
      expect(seen[0]).toBe("one\n");
      expect(r.stdout).toBe("one\ntwo\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("never runs a shell: a `$(...)` argument is printed, not executed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mf-local-"));
    try {
      const marker = join(dir, "pwned");
      const res = await new LocalRunner().run(["echo", `$(touch ${marker})`]);
      expect(res.stdout).toBe(`$(touch ${marker})\n`);
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("kills the whole process group on timeout (grandchildren too)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mf-local-"));
    try {
      // A background grandchild that would live 30 s and records its pid.
      const pidFile = join(dir, "grandchild.pid");
      const r = new LocalRunner();
      const e = await r.run(["sh", "-c", `(sleep 30) & echo $! > ${pidFile}; sleep 10`], { timeoutMs: 300 }).catch((x: unknown) => x);
      expect(errorCode(e)).toBe(ERROR_CODES.commandTimeout);
      const pid = Number(readFileSync(pidFile, "utf8"));
      expect(pid).toBeGreaterThan(1);
      // Gone (or a zombie waiting to be reaped) once the group is killed; alive for 30 s otherwise.
      const running = () => {
        try {
          return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
        } catch {
          return false;
        }
      };
      await waitFor(() => !running(), { timeoutMs: 10_000, what: `the grandchild ${pid} to be killed with the group` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("answers `cat /proc/...` from the file system like cat would", async () => {
    const direct = new LocalRunner();
    const spawned = new LocalRunner({ readFilesDirectly: false });
    expect((await direct.run(["cat", "/proc/sys/kernel/ostype"])).stdout).toBe((await spawned.run(["cat", "/proc/sys/kernel/ostype"])).stdout);
    expect((await direct.run(["cat", "/proc/sys/kernel/ostype"])).stdout).toBe("Linux\n");
    const missing = await direct.run(["cat", "/proc/meshfleet-missing"]);
    expect(missing).toEqual({ stdout: "", stderr: "cat: /proc/meshfleet-missing: No such file or directory\n", exitCode: 1 });
    expect((await spawned.run(["cat", "/proc/meshfleet-missing"])).exitCode).toBe(1);
  });

  it("caps the output and says so", async () => {
    const r = new LocalRunner({ maxOutputBytes: 10_000 });
    const e = (await r.run(["head", "-c", "100000", "/dev/zero"]).catch((x: unknown) => x)) as { code: string; message: string; argv: string[] };
    expect(e.code).toBe(ERROR_CODES.commandFailed);
    expect(e.message).toContain("more than 10000 bytes");
    expect(e.argv).toEqual(["head", "-c", "100000", "/dev/zero"]);
  });

  it("carries argv and stderr in a timeout error", async () => {
    const e = (await new LocalRunner({ timeoutMs: 150 }).run(["sh", "-c", "echo starting >&2; sleep 5"]).catch((x: unknown) => x)) as {
      code: string;
      argv: string[];
      stderr: string;
      exitCode: number | null;
    };
    expect(e.code).toBe(ERROR_CODES.commandTimeout);
    expect(e.argv).toEqual(["sh", "-c", "echo starting >&2; sleep 5"]);
    expect(e.stderr).toBe("starting\n");
    expect(e.exitCode).toBeNull();
  });
});
