import type { BoardInfo, CollectorError, DhcpLeases, IwDev, MpathDump, NftCounters, RadioView, RoutingView, StationDump, SurveyChannel, SystemFacts, WirelessConfig } from "@meshfleet/shared";
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
  /**
   * Slow-changing parts (board/release, wireless configuration, delegated prefixes) kept
   * between cycles; without it they are read every cycle.
   */
  slow?: SlowCache;
  /** Remembers what auto-detection found between cycles (mutated by the routing collector). */
  memo: { daemon?: "bird1" | "bird2" | "babeld" | "none"; noneCycles?: number; /** Last in-use survey channel per interface (the radio collector's rates). */ survey?: Record<string, SurveyChannel> };
}

/**
 * What the slow collectors read last, and whether to read again this cycle. A value is
 * kept only when it was read without errors; a failed read is retried every cycle.
 */
export interface SlowCache {
  /** Read the slow parts this cycle (first cycle, every n-th, after a reconnect or a job). */
  refresh: boolean;
  /** This cycle's timestamp (the agent's clock): what is read now is stamped with it. */
  now: number;
  board?: { value: BoardInfo; ts: number };
  prefixes?: { value: string[]; ts: number };
  wireless?: { value: SectionResult<WirelessConfig>; ts: number };
}

/** One collector's outcome: what becomes a snapshot section. */
export interface SectionResult<T> {
  data: T | null;
  errors: CollectorError[];
  skipped: number;
  durationMs: number;
  /** Set when (part of) the data is a value read in an earlier cycle: when it was read. */
  cachedFromTs?: number;
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
  /** Radio health; absent only where a custom collector does not read it. */
  radios?: SectionResult<RadioView>;
  /** DHCP leases; absent only where a custom collector does not read them. */
  leases?: SectionResult<DhcpLeases>;
}

export interface Collection {
  sections: Sections;
  /** Links with their MACs (for the hello); empty when `ip` could not be read. */
  links: LinkInfo[];
}
