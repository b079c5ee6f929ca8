import type { CollectorError, IwDev, MpathDump, NftCounters, RoutingView, StationDump, SystemFacts, WirelessConfig } from "@meshfleet/shared";
import type { CommandRunner } from "../runner/types";

/** Which routing daemon to read: detect it, or name it. */
export type RoutingSetting = "auto" | "bird1" | "bird2" | "babeld" | "none";

export interface CollectContext {
  runner: CommandRunner;
  /** Timeout per command (ms). */
  timeoutMs: number;
  routing: RoutingSetting;
  /**
   * Argv that prints babeld's `dump` when given `dump\nquit\n` on stdin (e.g.
   * `["nc","::1","33123"]`), used when `ubus call babeld get_neighbours` is unavailable.
   */
  babeldDumpArgv?: readonly string[];
  /** Remembers what auto-detection found between cycles (mutated by the routing collector). */
  memo: { daemon?: "bird1" | "bird2" | "babeld" | "none"; noneCycles?: number };
}

/** One collector's outcome: what becomes a snapshot section. */
export interface SectionResult<T> {
  data: T | null;
  errors: CollectorError[];
  skipped: number;
  durationMs: number;
}

/** A network link as `ip -j addr show` reports it: what the hello needs besides addresses. */
export interface LinkInfo {
  name: string;
  mac: string | null;
}

export interface Sections {
  interfaces: SectionResult<IwDev>;
  stations: SectionResult<StationDump>;
  meshPaths: SectionResult<MpathDump>;
  routing: SectionResult<RoutingView>;
  counters: SectionResult<NftCounters>;
  system: SectionResult<SystemFacts>;
  wireless: SectionResult<WirelessConfig>;
}

export interface Collection {
  sections: Sections;
  /** Links with their MACs (for the hello); empty when `ip` could not be read. */
  links: LinkInfo[];
}
