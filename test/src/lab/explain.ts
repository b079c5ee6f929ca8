import type { KernelChange } from "./kernel";
import type { Observation } from "./recorder";
import type { RouteEv } from "./referee";

/**
 * Pure: one node's and prefix's timeline, ms from `t0` and in time order: the kernel's
 * changes (with since when the old state was known), meshfleet's events, and the agent's
 * reads of the daemon. Printed beside a referee failure, so that a failing run in CI says
 * what happened without a rerun. Only what happened within `aroundMs` of `key.at`.
 */
export function timeline(key: { node: string; prefix: string; at: number }, changes: readonly KernelChange[], events: readonly RouteEv[], observations: readonly Observation[], t0: number, aroundMs = 8000): string[] {
  const rows: [number, string][] = [];
  const mine = <T extends { node: string }>(x: T) => x.node === key.node;
  for (const c of changes.filter(mine)) if (c.prefix === key.prefix) rows.push([c.at, `kernel ${c.before} -> ${c.after} (old state known until ${c.from - t0})`]);
  for (const e of events.filter(mine)) if (e.prefix === key.prefix) rows.push([e.ts, `meshfleet ${e.code}`]);
  for (const o of observations.filter(mine)) rows.push([o.ts, `snapshot, daemon read ${o.readStart - t0}..${o.readEnd - t0}`]);
  return rows
    .filter(([at]) => Math.abs(at - key.at) <= aroundMs)
    .sort((a, b) => a[0] - b[0])
    .map(([at, what]) => `${String(at - t0).padStart(7)} ${what}`);
}
