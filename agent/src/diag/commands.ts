import { diagArgs, isIpLiteral, IPERF3_PORT, IPERF3_SERVER_IDLE_SEC, type DiagArgs, type RoutingDaemon } from "@meshfleet/shared";

/**
 * The fixed list of diagnostics a node runs, as argv arrays built from validated
 * arguments (never a shell string). Anything the schema does not accept is refused.
 * A route lookup asks the node's routing daemon: BIRD 2 (`birdc show route for`), BIRD
 * 1.6 (`birdc6`), or, on a babeld node (babeld answers no per-prefix query on its
 * interfaces), the kernel table babeld installs into (`ip route show match <prefix>
 * proto babel`: every babeld route that holds the address or prefix).
 */
export function diagArgv(args: DiagArgs, daemon: RoutingDaemon | null = null): string[] {
  switch (args.kind) {
    case "ping":
    case "ping6":
      return [args.kind, "-c", String(args.count), "-s", String(args.size), "-W", "2", args.target];
    case "traceroute":
      return ["traceroute", "-n", "-q", "1", "-w", "2", "-m", String(args.maxHops), args.target];
    case "mpath":
      return ["iw", "dev", args.iface, "mpath", "dump"];
    case "stations":
      return ["iw", "dev", args.iface, "station", "dump"];
    case "route":
      if (daemon === "babeld") return ["ip", args.prefix.includes(":") ? "-6" : "-4", "route", "show", "match", args.prefix, "proto", "babel"];
      return [daemon === "bird1" ? "birdc6" : "birdc", "show", "route", "for", args.prefix];
    case "scan":
      return ["iw", "dev", args.iface, "scan"];
    case "iperf3":
      return ["iperf3", "-c", args.target, "-p", String(IPERF3_PORT), "-t", String(args.durationSec), "-f", "m"];
    case "iperf3-server":
      // One client, then exit; gives up when no client came; prints each interval as it ends.
      return ["iperf3", "-s", "-1", "-p", String(IPERF3_PORT), "--idle-timeout", String(IPERF3_SERVER_IDLE_SEC + args.durationSec), "--forceflush", "-f", "m"];
  }
}

/** Validates untrusted arguments: the parsed arguments, or why they are refused. */
export function checkDiagArgs(raw: unknown): { ok: true; args: DiagArgs } | { ok: false; message: string } {
  const r = diagArgs.safeParse(raw);
  // A node is given IP literals only: the controller resolves fleet node names to addresses.
  if (r.success && "target" in r.data && !isIpLiteral(r.data.target)) return { ok: false, message: `not on the diagnostics list: target: ${r.data.target} is not an IP address (a node runs diagnostics to IP addresses only)` };
  if (r.success) return { ok: true, args: r.data };
  const i = r.error.issues[0];
  return { ok: false, message: `not on the diagnostics list: ${i ? `${i.path.join(".") || "(arguments)"}: ${i.message}` : "invalid"}` };
}
