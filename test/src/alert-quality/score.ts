import type { Alert } from "@meshfleet/shared";
import type { ScriptedFault } from "./faults";

export interface QualityScore {
  faults: number;
  found: number;
  alerts: number;
  correct: number;
  recall: number;
  precision: number;
  missed: ScriptedFault[];
  /** Alerts that are not the one alert of a fault (noise, duplicates, wrong subject). */
  extra: Alert[];
}

/**
 * Matches the alerts opened during a run to the scripted faults: an alert is correct
 * when it is the first with the fault's code and subject opened between the fault's start
 * and `graceMs` after its end; every other alert is extra. Recall: faults with their
 * alert; precision: correct alerts among all opened.
 */
export function scoreAlerts(faults: readonly ScriptedFault[], alerts: readonly Alert[], worldStartMs: number, graceMs = 10 * 60_000): QualityScore {
  const expected = faults.filter((f) => f.expect !== null);
  const matched = new Set<ScriptedFault>();
  const extra: Alert[] = [];
  for (const a of [...alerts].sort((x, y) => x.openedAt - y.openedAt || Number(x.id) - Number(y.id))) {
    const t = a.openedAt - worldStartMs;
    const f = expected.find((x) => !matched.has(x) && x.expect!.code === a.code && x.expect!.subject === a.subject && t >= x.startMs && t <= x.endMs + graceMs);
    if (f) matched.add(f);
    else extra.push(a);
  }
  const correct = matched.size;
  return {
    faults: expected.length,
    found: correct,
    alerts: alerts.length,
    correct,
    recall: expected.length === 0 ? 1 : correct / expected.length,
    precision: alerts.length === 0 ? 1 : correct / alerts.length,
    missed: expected.filter((f) => !matched.has(f)),
    extra,
  };
}
