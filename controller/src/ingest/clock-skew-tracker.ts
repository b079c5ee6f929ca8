import type { IngestItem } from "./decode";
import { DEFAULT_CLOCK_SKEW, stepClockSkew, trustedTs, type ClockSkewEvent, type ClockSkewOptions, type NodeClockState } from "./clock-skew";

/**
 * The ingest's per-node clock states: every snapshot and hello is observed at the broker's
 * store time, and stored under a trustworthy time (its own, or shifted by the node's
 * skew). In memory: after a restart a node's skew is known again from its next message.
 */
export class ClockSkewTracker {
  readonly #nodes = new Map<string, NodeClockState>();

  constructor(
    private readonly o: ClockSkewOptions = DEFAULT_CLOCK_SKEW,
    private readonly emit: (e: ClockSkewEvent) => void = () => undefined,
  ) {}

  /** The item as it is to be stored: a snapshot's or hello's `ts` made trustworthy. */
  observe(item: IngestItem, atMs: number): IngestItem {
    if (item.kind === "jobStatus") return item;
    const r = stepClockSkew(this.#nodes.get(item.msg.node), { node: item.msg.node, ts: item.msg.ts, atMs }, this.o);
    this.#nodes.set(item.msg.node, r.state);
    for (const e of r.events) this.emit(e);
    const ts = trustedTs(r.state, item.msg.ts);
    if (ts === item.msg.ts) return item;
    return item.kind === "snapshot" ? { kind: "snapshot", msg: { ...item.msg, ts } } : { kind: "hello", msg: { ...item.msg, ts } };
  }

  /** Each known node's current skew (ms; positive: its clock is ahead). */
  skews(): ReadonlyMap<string, number> {
    return new Map([...this.#nodes].map(([node, s]) => [node, s.skewMs]));
  }
}
