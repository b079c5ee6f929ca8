const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * The one duration reader of the project (agent config, controller flags, API steps):
 * `500ms`, `10s`, `1.5m`, `48h`, `30d` -> milliseconds, rounded. A bare number is
 * milliseconds unless `unit: "required"`. Returns null when the text is not a duration;
 * callers turn that into their own error with the field's name.
 */
export function durationMs(text: string, opts: { unit?: "required" | "optional" } = {}): number | null {
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  if (m[2] === undefined && opts.unit === "required") return null;
  return Math.round(Number(m[1]) * UNIT_MS[(m[2] ?? "ms") as keyof typeof UNIT_MS]);
}
