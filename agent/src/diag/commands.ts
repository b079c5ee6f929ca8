import { diagArgs, type DiagArgs } from "@meshfleet/shared";

/**
 * The fixed list of diagnostics a node runs, as argv arrays built from validated
 * arguments (never a shell string). Anything the schema does not accept is refused.
 */
export function diagArgv(args: DiagArgs): string[] {
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
      return ["birdc", "show", "route", "for", args.prefix];
    case "scan":
      return ["iw", "dev", args.iface, "scan"];
    case "iperf3":
      return ["iperf3", "-c", args.target, "-t", String(args.durationSec), "-f", "m"];
  }
}

/** Validates untrusted arguments: the parsed arguments, or why they are refused. */
export function checkDiagArgs(raw: unknown): { ok: true; args: DiagArgs } | { ok: false; message: string } {
  const r = diagArgs.safeParse(raw);
  if (r.success) return { ok: true, args: r.data };
  const i = r.error.issues[0];
  return { ok: false, message: `not on the diagnostics list: ${i ? `${i.path.join(".") || "(arguments)"}: ${i.message}` : "invalid"}` };
}
