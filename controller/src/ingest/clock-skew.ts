/**
 * Clock skew of a node: how far its timestamps are from the broker's store time (pure;
 * `stepClockSkew(state, observation, options)`, no clock inside).
 *
 * Every snapshot and hello is a sample `ts - storedAt`. A sample can be far in the past for
 * a good reason (a snapshot buffered during an outage, flushed later) but never far in the
 * future, so the node's skew is the LARGEST sample of the last `windowMs` (the freshest
 * message of a flush, or the hello sent at the reconnect, is near zero). A clock ahead is
 * believed at once; a clock behind only once the window has watched the node for at least
 * half its length without one recent timestamp, so an outage's backlog is never mistaken
 * for a clock in the past.
 */
export interface ClockSkewOptions {
  /** Skew beyond which a node's clock is not trusted and `clock_skew` opens (ms). */
  thresholdMs: number;
  /** How long samples count (ms of broker time). */
  windowMs: number;
}
export const DEFAULT_CLOCK_SKEW: ClockSkewOptions = { thresholdMs: 120_000, windowMs: 120_000 };

export interface SkewSample {
  atMs: number;
  skewMs: number;
}

export interface NodeClockState {
  /** Samples of the window, oldest first. */
  readonly samples: readonly SkewSample[];
  /** The node's skew estimate (ms; positive: its clock is ahead). */
  readonly skewMs: number;
  /** True while the skew is beyond the threshold: its timestamps are corrected and `clock_skew` is open. */
  readonly skewed: boolean;
}

export interface ClockObservation {
  node: string;
  /** The node's own timestamp of the message (ms). */
  ts: number;
  /** When the broker stored it (ms). */
  atMs: number;
}

export type ClockSkewEvent = { type: "skewed" | "in_sync"; node: string; skewMs: number; atMs: number };

export function stepClockSkew(prev: NodeClockState | undefined, obs: ClockObservation, o: ClockSkewOptions = DEFAULT_CLOCK_SKEW): { state: NodeClockState; events: ClockSkewEvent[] } {
  const samples = [...(prev?.samples ?? []).filter((s) => s.atMs > obs.atMs - o.windowMs && s.atMs <= obs.atMs), { atMs: obs.atMs, skewMs: obs.ts - obs.atMs }];
  const skewMs = Math.max(...samples.map((s) => s.skewMs));
  const watchedMs = obs.atMs - samples[0]!.atMs;
  const wasSkewed = prev?.skewed ?? false;
  let skewed: boolean;
  if (skewMs > o.thresholdMs) skewed = true;
  else if (skewMs < -o.thresholdMs) skewed = wasSkewed || watchedMs >= o.windowMs / 2;
  else skewed = false;
  const events: ClockSkewEvent[] = skewed === wasSkewed ? [] : [{ type: skewed ? "skewed" : "in_sync", node: obs.node, skewMs, atMs: obs.atMs }];
  return { state: { samples, skewMs, skewed }, events };
}

/** The time to store a message under: its own when the node's clock is trusted, else shifted by the node's skew. */
export function trustedTs(state: NodeClockState, ts: number): number {
  return state.skewed ? ts - state.skewMs : ts;
}
