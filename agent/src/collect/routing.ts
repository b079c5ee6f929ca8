import { ERROR_CODES, type CollectorError, type RoutingDaemon, type RoutingNeighbor, type RoutingView } from "@meshfleet/shared";
import { parseBirdBabelNeighbors, parseBirdProtocols, parseBirdRipInterfaces, parseBirdRipNeighbors, parseBirdRoutes } from "../parsers/bird/index";
import { babeldToRoutingView, parseBabeldDump, parseBabeldUbus } from "../parsers/babeld/index";
import type { ParseOutcome } from "../parsers/types";
import { SectionRun } from "./section";
import type { CollectContext, SectionResult } from "./types";

/** With auto-detection and nothing found, look again every this many cycles. */
const REDETECT_NONE_EVERY = 10;
const BABELD_UBUS = ["ubus", "call", "babeld", "get_neighbours"] as const;

function empty(daemon: RoutingDaemon): RoutingView {
  return { daemon, protocols: [], interfaces: [], neighbors: [], routes: [] };
}

/** BIRD 2 (`birdc`) or 1.6 (`birdc6`): protocols, then RIP/Babel details for the protocols that run, then routes. */
async function readBird(s: SectionRun, daemon: "bird1" | "bird2", protocolsText: string): Promise<RoutingView | null> {
  const birdc = daemon === "bird2" ? "birdc" : "birdc6";
  const protocols = s.parsed(parseBirdProtocols(protocolsText), [birdc, "show", "protocols"]);
  if (protocols === null) return null;
  const kinds = new Set(protocols.protocols.map((p) => p.proto.toLowerCase()));
  const hasRip = kinds.has("rip");
  const hasBabel = kinds.has("babel");
  // Which instances are RIP/Babel: their unreachable routes are retractions.
  const protocolKinds = new Map(protocols.protocols.map((p) => [p.name, p.proto]));
  // A command that did not answer (timeout, failure) leaves its part unknown; one that
  // answered something unreadable is recorded and read as empty, as before.
  const answered = { ok: true };
  const read = async <T>(argv: string[], parse: (text: string) => ParseOutcome<T>): Promise<T | null> => {
    const text = await s.text(argv);
    if (text === null) answered.ok = false;
    return text === null ? null : s.parsed(parse(text), argv);
  };
  const [ripN, ripI, babelN, routes] = await Promise.all([
    hasRip ? read([birdc, "show", "rip", "neighbors"], parseBirdRipNeighbors) : null,
    hasRip ? s.run([birdc, "show", "rip", "interfaces"], parseBirdRipInterfaces) : null,
    hasBabel ? read([birdc, "show", "babel", "neighbors"], parseBirdBabelNeighbors) : null,
    read([birdc, "show", "route"], (t) => parseBirdRoutes(t, protocolKinds)),
  ]);
  // Without the routes or the neighbours the view would read as an empty table (every
  // route withdrawn, every neighbour lost): no view this cycle, the errors say why.
  if (!answered.ok) return null;
  const neighbors: RoutingNeighbor[] = [...(ripN?.neighbors ?? []), ...(babelN?.neighbors ?? [])];
  return {
    daemon,
    protocols: protocols.protocols,
    interfaces: ripI?.interfaces ?? [],
    neighbors,
    routes: routes?.routes ?? [],
  };
}

/** babeld: neighbours over ubus (OpenWrt), else its local interface `dump` when configured. */
async function readBabeld(s: SectionRun, ubusText: string | null): Promise<RoutingView | null> {
  if (ubusText !== null) {
    const n = s.parsed(parseBabeldUbus(ubusText), BABELD_UBUS);
    return n === null ? null : { ...empty("babeld"), neighbors: n.neighbors };
  }
  const argv = s.ctx.babeldDumpArgv;
  if (!argv) return null;
  const text = await s.text(argv, { stdin: "dump\nquit\n" });
  // babeld ends its answer to `dump` with `ok` (its greeting ends with one too); a read cut
  // short would show the routes it lost as withdrawn.
  if (text !== null && text.trimEnd().split("\n").at(-1)?.trim() !== "ok") {
    s.error(ERROR_CODES.parseInvalid, "babeld's dump ended before its closing `ok` (read cut short)", argv);
    return null;
  }
  const dump = text === null ? null : s.parsed(parseBabeldDump(text), argv);
  return dump === null ? null : babeldToRoutingView(dump);
}

interface Probe {
  daemon: RoutingDaemon;
  /** Output of the probe command, reused as the first read. */
  text: string | null;
  /** Why the most likely daemon failed, when one seems installed but does not answer. */
  failure: CollectorError | null;
}

/**
 * Detection order: `birdc show protocols` answers -> BIRD 2; else `birdc6` -> BIRD 1.6;
 * else `ubus call babeld get_neighbours` (or the configured babeld dump) -> babeld; else
 * none. A client that exists but cannot reach its daemon is reported, not hidden.
 */
async function detect(s: SectionRun): Promise<Probe> {
  const failures: CollectorError[] = [];
  for (const [daemon, birdc] of [["bird2", "birdc"], ["bird1", "birdc6"]] as const) {
    const argv = [birdc, "show", "protocols"];
    const r = await s.attempt(argv);
    if ("text" in r) {
      const p = parseBirdProtocols(r.text);
      if (p.ok) return { daemon, text: r.text, failure: null };
      failures.push({ code: p.error.code, message: p.error.message, command: argv.join(" ") });
    } else if (r.error.code !== ERROR_CODES.commandNotFound) {
      failures.push(r.error);
    }
  }
  const babeld = await s.attempt(BABELD_UBUS);
  if ("text" in babeld) return { daemon: "babeld", text: babeld.text, failure: null };
  if (s.ctx.babeldDumpArgv) {
    const dump = await s.attempt(s.ctx.babeldDumpArgv, { stdin: "dump\nquit\n" });
    if ("text" in dump && parseBabeldDump(dump.text).ok) return { daemon: "babeld", text: null, failure: null };
  }
  // A BIRD client that exists but does not answer sensibly is reported, not hidden.
  return { daemon: "none", text: null, failure: failures[0] ?? null };
}

/** The routing daemon's view: protocols, interfaces, neighbours and routes. */
export async function collectRouting(ctx: CollectContext): Promise<SectionResult<RoutingView>> {
  const s = new SectionRun(ctx, "routing");
  let daemon: RoutingDaemon;
  let first: string | null = null;
  if (ctx.routing !== "auto") {
    daemon = ctx.routing;
  } else if (ctx.memo.daemon && !(ctx.memo.daemon === "none" && (ctx.memo.noneCycles = (ctx.memo.noneCycles ?? 0) + 1) % REDETECT_NONE_EVERY === 0)) {
    daemon = ctx.memo.daemon;
  } else {
    const probe = await detect(s);
    daemon = probe.daemon;
    first = probe.text;
    ctx.memo.daemon = daemon;
    if (probe.failure) {
      s.record(probe.failure);
      delete ctx.memo.daemon;
      return s.done(null);
    }
  }
  let view: RoutingView | null;
  switch (daemon) {
    case "none":
      view = empty("none");
      break;
    case "bird1":
    case "bird2": {
      const text = first ?? (await s.text([daemon === "bird2" ? "birdc" : "birdc6", "show", "protocols"]));
      view = text === null ? null : await readBird(s, daemon, text);
      break;
    }
    case "babeld": {
      const text = first ?? (await s.text(BABELD_UBUS, { quiet: ctx.babeldDumpArgv !== undefined }));
      view = await readBabeld(s, text);
      break;
    }
  }
  // A remembered daemon that stopped answering is looked for again next cycle.
  if (view === null && ctx.routing === "auto") delete ctx.memo.daemon;
  return s.done(view);
}
