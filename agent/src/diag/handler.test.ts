import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScan } from "../parsers/iw/scan";
import { PROTOCOL_VERSION, type CommandResult, type CommandRunner, type DiagOutput, type RoutingDaemon, type RunOptions } from "@meshfleet/shared";
import { DiagHandler } from "./handler";

const enc = new TextEncoder();
const request = (args: unknown, node = "r1", id = "req-0001") => enc.encode(JSON.stringify({ type: "diag", v: PROTOCOL_VERSION, id, node, args, deadlineMs: 5000, ts: 1 }));

/** A runner that prints `parts` one after another (streaming them when asked) and records what it ran. */
function scripted(parts: string[], stderr = ""): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    description: "scripted",
    calls,
    run(argv: readonly string[], opts?: RunOptions): Promise<CommandResult> {
      calls.push([...argv]);
      for (const p of parts) opts?.onOutput?.(p);
      return Promise.resolve({ stdout: parts.join(""), stderr, exitCode: 0 });
    },
  };
}

function handler(runner: CommandRunner) {
  const sent: DiagOutput[] = [];
  const h = new DiagHandler({ node: "r1", runner, send: (m) => sent.push(m), now: () => 1 });
  const states = () => sent.map((m) => [m.seq, m.state, m.text ?? m.argv?.join(" ") ?? m.error?.code ?? m.exitCode]);
  return { h, sent, states };
}

describe("DiagHandler", () => {
  it("streams output in order as the runner prints it, then done with the exit code", async () => {
    const { h, states } = handler(scripted(["PING 10.0.0.2: 56 data bytes\n", "64 bytes from 10.0.0.2: seq=0 ttl=63 time=1.2 ms\n"]));
    await h.handle(request({ kind: "ping", target: "10.0.0.2", count: 1 }));
    expect(states()).toEqual([
      [0, "accepted", "ping -c 1 -s 56 -W 2 10.0.0.2"],
      [1, "output", "PING 10.0.0.2: 56 data bytes\n"],
      [2, "output", "64 bytes from 10.0.0.2: seq=0 ttl=63 time=1.2 ms\n"],
      [3, "done", 0],
    ]);
  });

  it("a runner that does not stream: the whole output at the end, stderr after it", async () => {
    const quiet: CommandRunner = { description: "quiet", run: () => Promise.resolve({ stdout: "one\ntwo", stderr: "warn\n", exitCode: 1 }) };
    const { h, states } = handler(quiet);
    await h.handle(request({ kind: "mpath", iface: "mesh0" }));
    expect(states()).toEqual([[0, "accepted", "iw dev mesh0 mpath dump"], [1, "output", "one\ntwo\nwarn\n"], [2, "done", 1]]);
  });

  it("refuses what is not on the list, requests for another node, and a second one while one runs", async () => {
    const { h, states, sent } = handler(scripted(["x\n"]));
    await h.handle(request({ kind: "ping", target: "-f 10.0.0.1" }));
    await h.handle(request({ kind: "shell", cmd: "reboot" }, "r1", "req-0002"));
    await h.handle(request({ kind: "ping", target: "10.0.0.1" }, "r2", "req-0003"));
    // A fleet node name: the controller resolves names, a node is given IP addresses only.
    await h.handle(request({ kind: "traceroute", target: "node-3" }, "r1", "req-0004"));
    expect(states().map((s) => [s[1], s[2]])).toEqual([["refused", "E_DIAG_REFUSED"], ["refused", "E_DIAG_REFUSED"], ["refused", "E_DIAG_REFUSED"], ["refused", "E_DIAG_REFUSED"]]);
    expect(sent[3]!.error!.message).toBe("not on the diagnostics list: target: node-3 is not an IP address (a node runs diagnostics to IP addresses only)");
    sent.length = 0;
    let release: () => void = () => {};
    const slow: CommandRunner = { description: "slow", run: () => new Promise((r) => (release = () => r({ stdout: "", stderr: "", exitCode: 0 }))) };
    const busy = handler(slow);
    const first = busy.h.handle(request({ kind: "ping", target: "10.0.0.1" }));
    await busy.h.handle(request({ kind: "ping", target: "10.0.0.1" }, "r1", "req-0004"));
    release();
    await first;
    expect(busy.sent.map((m) => [m.id, m.state, m.error?.code ?? null])).toEqual([
      ["req-0001", "accepted", null],
      ["req-0004", "refused", "E_DIAG_BUSY"],
      ["req-0001", "done", null],
    ]);
  });
});

describe("the diagnostics list's argv", () => {
  const argvOf = async (args: unknown, routing: RoutingDaemon | null) => {
    const runner = scripted([""]);
    const h = new DiagHandler({ node: "r1", runner, send: () => {}, now: () => 1, routing: () => routing });
    await h.handle(request(args));
    return runner.calls[0];
  };
  it("a route lookup asks the node's routing daemon: birdc (BIRD 2, or not known yet), birdc6 (BIRD 1.6), the kernel's babel routes on a babeld node", async () => {
    expect(await argvOf({ kind: "route", prefix: "fd00:1:2::1" }, "bird2")).toEqual(["birdc", "show", "route", "for", "fd00:1:2::1"]);
    expect(await argvOf({ kind: "route", prefix: "fd00:1:2::1" }, null)).toEqual(["birdc", "show", "route", "for", "fd00:1:2::1"]);
    expect(await argvOf({ kind: "route", prefix: "fd00:1:2::/48" }, "bird1")).toEqual(["birdc6", "show", "route", "for", "fd00:1:2::/48"]);
    expect(await argvOf({ kind: "route", prefix: "fd00:1:2::1" }, "babeld")).toEqual(["ip", "-6", "route", "show", "match", "fd00:1:2::1", "proto", "babel"]);
    expect(await argvOf({ kind: "route", prefix: "10.1.0.0/16" }, "babeld")).toEqual(["ip", "-4", "route", "show", "match", "10.1.0.0/16", "proto", "babel"]);
  });
  it("a throughput test: the client to the target's port, the one-off server bounded by an idle timeout past the test's duration", async () => {
    expect(await argvOf({ kind: "iperf3", target: "fd00:1:2::1", durationSec: 3 }, null)).toEqual(["iperf3", "-c", "fd00:1:2::1", "-p", "5201", "-t", "3", "-f", "m"]);
    expect(await argvOf({ kind: "iperf3-server", durationSec: 3 }, null)).toEqual(["iperf3", "-s", "-1", "-p", "5201", "--idle-timeout", "13", "--forceflush", "-f", "m"]);
    expect(await argvOf({ kind: "iperf3-server", durationSec: 30 }, null)).toBeUndefined();
  });
});

describe("a scan's result", () => {
  it("carries the networks and channels as the node's parser read them; text that is not a scan carries none", async () => {
    const text = readFileSync(new URL("../parsers/iw/fixtures/scan-5g-vht80-ft-mesh-boottime-no-final-newline.txt", import.meta.url), "utf8");
    const { h, sent } = handler(scripted([text]));
    await h.handle(request({ kind: "scan", iface: "wlan0" }));
    const done = sent[sent.length - 1]!;
    expect(done.state).toBe("done");
    const parsed = parseScan(text);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(done.scan).toEqual({ bss: parsed.value.bss, channels: parsed.value.channels, omitted: 0 });
    const other = handler(scripted(["command failed: Operation not supported (-95)\n"]));
    await other.h.handle(request({ kind: "scan", iface: "wlan0" }));
    expect(other.sent[other.sent.length - 1]!.scan).toBeUndefined();
  });
});
