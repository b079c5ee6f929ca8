import { ConfigError } from "@meshfleet/shared";
import { TEMPLATES } from "../jobs/templates/index";

/**
 * `--param k=v` values typed by the template's schema: a value stays a string unless
 * the parameter wants a boolean (`1`/`true`/`yes`) or a number. Raw ops come as JSON
 * (`--param ops='[...]'`).
 */
export function coerceParams(template: string, pairs: readonly string[]): Record<string, unknown> {
  const shape = (TEMPLATES[template]?.params as unknown as { shape?: Record<string, { safeParse(v: unknown): { success: boolean } }> }).shape ?? {};
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new ConfigError(`--param expects key=value, got ${JSON.stringify(pair.slice(0, 60))}`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    const field = shape[key];
    const candidates: unknown[] = [raw];
    if (/^(1|true|yes|on)$/i.test(raw)) candidates.push(true);
    if (/^(0|false|no|off)$/i.test(raw)) candidates.push(false);
    if (/^-?\d+(\.\d+)?$/.test(raw)) candidates.push(Number(raw));
    if (/^[[{]/.test(raw)) {
      try {
        candidates.push(JSON.parse(raw));
      } catch {
        // stays a string
      }
    }
    out[key] = field ? (candidates.find((c) => field.safeParse(c).success) ?? raw) : raw;
  }
  return out;
}
