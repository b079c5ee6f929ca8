import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const INIT = fileURLToPath(new URL("../../openwrt/meshfleet.init", import.meta.url));

/**
 * Runs the procd init script's start_service under a POSIX shell with the OpenWrt
 * functions (config_get, procd_*) stubbed to print what procd would receive, one
 * argument per line, so quoting mistakes show.
 */
function startService(options: Record<string, string>): string[] {
  const stubs = `
config_load() { :; }
config_get() { eval "$1=\\"\\\${UCI_$3:-$4}\\""; }
config_get_bool() { config_get "$@"; }
procd_open_instance() { echo "open"; }
procd_close_instance() { echo "close"; }
procd_set_param() { printf 'set %s' "$1"; shift; for a in "$@"; do printf ' <%s>' "$a"; done; echo; }
procd_append_param() { printf 'append %s' "$1"; shift; for a in "$@"; do printf ' <%s>' "$a"; done; echo; }
`;
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  for (const [k, v] of Object.entries(options)) env[`UCI_${k}`] = v;
  const r = spawnSync("sh", ["-c", `${stubs}\n. "$0"\nstart_service`, INIT], { env, encoding: "utf8" });
  expect(r.stderr).toBe("");
  return r.stdout.trim().split("\n");
}

describe("OpenWrt procd init script", () => {
  it("builds the agent's argv from /etc/config/meshfleet, password only in the environment", () => {
    const out = startService({ node_id: "r1", nats_url: "nats://10.0.0.1:4222", creds: "/etc/meshfleet/node.creds", interval: "30s", prefix: "ip netns exec lab one", password: "p4ss word" });
    expect(out).toEqual([
      "open",
      "set command </usr/bin/node> <--max-semi-space-size=1> <--v8-pool-size=1> <--lite-mode> </usr/lib/meshfleet/meshfleet-agent.mjs> <run>",
      "append command <--node-id> <r1>",
      "append command <--nats> <nats://10.0.0.1:4222>",
      "append command <--creds> </etc/meshfleet/node.creds>",
      "append command <--interval> <30s>",
      "append command <--prefix> <ip netns exec lab one>",
      "set env <MESHFLEET_NATS_PASSWORD=p4ss word>",
      "set respawn <3600> <5> <5>",
      "set term_timeout <20>",
      "set stdout <1>",
      "set stderr <1>",
      "set file </etc/config/meshfleet>",
      "close",
    ]);
  });

  it("starts nothing when disabled", () => {
    expect(startService({ enabled: "0", nats_url: "nats://x:4222" })).toEqual([""]);
  });
});
