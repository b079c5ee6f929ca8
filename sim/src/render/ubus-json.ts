/**
 * JSON as the `ubus` CLI prints it (libubox `blobmsg_format_json_indent`): tab
 * indentation, `"key": value`, and an empty array or object still broken over lines
 * (`[` newline, indentation, newline, `]`).
 */
export type UbusValue = null | boolean | number | string | UbusValue[] | { [k: string]: UbusValue };

function format(v: UbusValue, level: number): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  const inner = `\n${"\t".repeat(level + 1)}`;
  const outer = `\n${"\t".repeat(level)}`;
  if (Array.isArray(v)) return `[${inner}${v.map((x) => format(x, level + 1)).join(`,${inner}`)}${outer}]`;
  const entries = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${format(x, level + 1)}`);
  return `{${inner}${entries.join(`,${inner}`)}${outer}}`;
}

export function ubusJson(v: UbusValue): string {
  return `${format(v, 0)}\n`;
}
