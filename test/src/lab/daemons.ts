import { existsSync } from "node:fs";
import { join } from "node:path";
import type { LabNode } from "./routing-lab";

/**
 * The routing daemons the lab runs, each whole behind one shape: how to configure and start
 * it in a namespace, and how the agent reaches it. The same scenario runs against each.
 */
export type LabDaemonName = "bird2-rip" | "bird2-babel" | "bird16-rip" | "babeld";

/** Where .ci/run unpacks Debian's `bird` 1.6 package (it conflicts with bird2, so it is not installed). */
export const BIRD16_ROOT = process.env.MESHFLEET_BIRD16_ROOT ?? "/opt/meshfleet/bird16";
const BIRD16_SBIN = join(BIRD16_ROOT, "usr", "sbin");

export interface LabDaemon {
  name: LabDaemonName;
  /** Shown in the test name and the printed numbers. */
  label: string;
  /** The routing protocol (neighbour `kind`, the firewall port lint looks for). */
  protocol: "rip" | "babel";
  /** The agent's `routing` option. */
  routing: "bird2" | "bird1" | "babeld";
  /** Programs that must exist (absolute, or looked up on PATH), with the package that has them. */
  needs: { bin: string; from: string }[];
  config(n: LabNode): string;
  /** argv that starts the daemon in the background (run inside the node's namespace); it writes its pid to `pidFile`. */
  start(n: LabNode, conf: string, pidFile: string, dir: string): string[];
  /**
   * How the stub prefix is originated: an address on `lan0` (BIRD's direct protocol), or a
   * static kernel route (babeld's `redistribute`: it sees a route deleted at once, but the
   * prefix route of a deleted address only at its periodic kernel scan, ~30 s later).
   */
  stub: "address" | "route";
  /** The agent runner's program overrides and options for this node. */
  agent(n: LabNode): { programs: Record<string, string[]>; babeldDumpArgv?: string[] };
}

const BIRD_COMMON = (n: LabNode) => [`router id 10.255.0.${n.index};`, "protocol device { scan time 1; }"];
// Timers: RIP update 2 s / timeout 10 s; Babel hello 1 s / update 4 s (fast failure detection).
const RIP_IFACE = 'interface "v*" { update time 2; timeout time 10; };';

const bird2 = (protocol: "rip" | "babel"): LabDaemon => ({
  name: protocol === "rip" ? "bird2-rip" : "bird2-babel",
  label: `${protocol === "rip" ? "RIPng" : "Babel"} in BIRD 2`,
  protocol,
  routing: "bird2",
  needs: [
    { bin: "bird", from: "Debian bird2" },
    { bin: "birdc", from: "Debian bird2" },
  ],
  config: (n) =>
    [
      ...BIRD_COMMON(n),
      'protocol direct direct1 { ipv6; interface "lan0"; }',
      "protocol kernel kernel6 { ipv6 { export all; }; }",
      ...(protocol === "rip"
        ? ["protocol rip ng rip1 {", "  ipv6 { import all; export all; };", `  ${RIP_IFACE}`, "}"]
        : ["protocol babel babel1 {", "  ipv6 { import all; export all; };", '  interface "v*" { type wired; hello interval 1 s; update interval 4 s; };', "}"]),
      "",
    ].join("\n"),
  stub: "address",
  start: (n, conf, pidFile) => ["bird", "-c", conf, "-s", n.ctl, "-P", pidFile],
  agent: (n) => ({ programs: { birdc: ["birdc", "-s", n.ctl] } }),
});

/** BIRD 1.6 (`bird6`/`birdc6` from the unpacked Debian package) running RIPng. */
const bird16Rip: LabDaemon = {
  name: "bird16-rip",
  label: "RIPng in BIRD 1.6",
  protocol: "rip",
  routing: "bird1",
  needs: [
    { bin: join(BIRD16_SBIN, "bird6"), from: `Debian bird 1.6 unpacked into ${BIRD16_ROOT} (see .ci/run)` },
    { bin: join(BIRD16_SBIN, "birdc6"), from: `Debian bird 1.6 unpacked into ${BIRD16_ROOT} (see .ci/run)` },
  ],
  config: (n) => [...BIRD_COMMON(n), 'protocol direct direct1 { interface "lan0"; }', "protocol kernel kernel1 { export all; }", `protocol rip rip1 { import all; export all; ${RIP_IFACE} }`, ""].join("\n"),
  stub: "address",
  start: (n, conf, pidFile) => [join(BIRD16_SBIN, "bird6"), "-c", conf, "-s", n.ctl, "-P", pidFile],
  agent: (n) => ({ programs: { birdc6: [join(BIRD16_SBIN, "birdc6"), "-s", n.ctl] } }),
};

/**
 * babeld (Debian `babeld`) with its local interface on a unix socket; the agent reads
 * `dump` through socat. It redistributes the node's /64s (connected routes on lan0).
 */
const babeld: LabDaemon = {
  name: "babeld",
  label: "babeld",
  protocol: "babel",
  routing: "babeld",
  needs: [
    { bin: "babeld", from: "Debian babeld" },
    { bin: "socat", from: "Debian socat" },
  ],
  config: (n) =>
    [
      `local-path-readwrite ${n.ctl}`,
      `router-id 02:00:00:00:00:00:00:${n.index.toString(16).padStart(2, "0")}`,
      "redistribute ip 2001:db8::/32 ge 64 le 64 metric 128",
      "redistribute local deny",
      "redistribute deny",
      "default hello-interval 1",
      // Route selection smooths metrics with a 4 s half-life by default: a better route after a restore wins only tens of seconds later.
      "smoothing-half-life 1",
      ...n.links.map((l) => `interface ${l.iface} type wired`),
      "",
    ].join("\n"),
  stub: "route",
  start: (n, conf, pidFile, dir) => ["babeld", "-c", conf, "-I", pidFile, "-S", join(dir, `${n.id}.babel-state`), "-L", join(dir, `${n.id}.babeld.log`), "-D"],
  agent: (n) => ({ programs: {}, babeldDumpArgv: ["socat", "-t", "2", "-", `UNIX-CONNECT:${n.ctl}`] }),
};

export const LAB_DAEMONS: Record<LabDaemonName, LabDaemon> = {
  "bird2-rip": bird2("rip"),
  "bird2-babel": bird2("babel"),
  "bird16-rip": bird16Rip,
  babeld,
};

/** The first program this daemon needs that is missing here, with where it comes from. */
export function missingProgram(d: LabDaemon): string | null {
  const dirs = (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/sbin", "/usr/bin"]);
  for (const { bin, from } of d.needs) {
    const found = bin.startsWith("/") ? existsSync(bin) : dirs.some((dir) => dir && existsSync(join(dir, bin)));
    if (!found) return `${bin} (${from})`;
  }
  return null;
}
