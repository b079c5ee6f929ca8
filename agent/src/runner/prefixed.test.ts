import { describe, expect, it } from "vitest";
import { ERROR_CODES, errorCode } from "@meshfleet/shared";
import { LocalRunner } from "./local";
import { PrefixedRunner } from "./prefixed";
import { runnerContract } from "../../testing/runner-contract";
import type { CommandResult, CommandRunner, RunOptions } from "./types";

runnerContract("prefixed(local) with a program replacement", {
  make: () => new PrefixedRunner(new LocalRunner(), { programs: { hello: ["echo", "hello"] } }),
  cases: [{ what: "a replaced program", argv: ["hello", "mesh"], stdout: "hello mesh\n" }],
  realPrograms: true,
  timeout: { argv: ["sleep", "10"], timeoutMs: 300 },
});

runnerContract("prefixed(local) with an `env` prefix", {
  make: () => new PrefixedRunner(new LocalRunner(), { prefix: ["env", "MF_LAB=r1"] }),
  cases: [{ what: "env sees the prefix's assignment", argv: ["env"], stdout: (s) => s.split("\n").includes("MF_LAB=r1") }],
  realPrograms: true,
  timeout: { argv: ["sleep", "10"], timeoutMs: 300 },
});

class Recorder implements CommandRunner {
  readonly description = "recorder";
  calls: { argv: readonly string[]; opts: RunOptions | undefined }[] = [];
  run(argv: readonly string[], opts?: RunOptions): Promise<CommandResult> {
    this.calls.push({ argv, opts });
    return Promise.resolve({ stdout: "", stderr: "", exitCode: 0 });
  }
}

describe("PrefixedRunner", () => {
  const opts = {
    prefix: ["ip", "netns", "exec", "r1"],
    programs: { birdc: ["birdc", "-s", "/run/r1.ctl"] },
    collectors: { counters: { prefix: ["nsenter", "--net=/run/netns/r1"] }, system: { prefix: [] } },
  };

  it("prefixes and replaces programs, per collector", async () => {
    const rec = new Recorder();
    const r = new PrefixedRunner(rec, opts);
    await r.run(["birdc", "show", "route"], { collector: "routing" });
    await r.run(["nft", "-j", "list", "ruleset"], { collector: "counters" });
    await r.run(["cat", "/proc/uptime"], { collector: "system" });
    await r.run(["iw", "dev"]);
    expect(rec.calls.map((c) => c.argv)).toEqual([
      ["ip", "netns", "exec", "r1", "birdc", "-s", "/run/r1.ctl", "show", "route"],
      ["nsenter", "--net=/run/netns/r1", "nft", "-j", "list", "ruleset"],
      ["cat", "/proc/uptime"],
      ["ip", "netns", "exec", "r1", "iw", "dev"],
    ]);
    expect(rec.calls[0]?.opts?.collector).toBe("routing");
    expect(r.description).toBe("prefixed ip netns exec r1 (recorder)");
  });

  it("does not take a program's own complaint for a missing program", async () => {
    const r = new PrefixedRunner(new LocalRunner(), { prefix: ["env"] });
    const res = await r.run(["cat", "/nonexistent/meshfleet"]);
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain("No such file or directory");
  });

  it("maps `ip netns exec` failing to exec the program to E_COMMAND_NOT_FOUND", async () => {
    const fake: CommandRunner = {
      description: "fake",
      run: () => Promise.resolve({ stdout: "", stderr: 'exec of "birdc" failed: No such file or directory\n', exitCode: 1 }),
    };
    const e = await new PrefixedRunner(fake, opts).run(["birdc", "show", "protocols"], { collector: "routing" }).catch((x: unknown) => x);
    expect(errorCode(e)).toBe(ERROR_CODES.commandNotFound);
  });
});
