/**
 * JSON as the `ubus` CLI prints it (libubox `blobmsg_format_json_indent`): tab
 * indentation, `"key": value`, and an empty array or object still broken over lines
 * (`[` newline, indentation, newline, `]`).
 */
export type UbusValue = null | boolean | number | string | UbusValue[] | { [k: string]: UbusValue };

function fmt(v: UbusValue, level: number): string {
  if (v === null) return "null";
  if (typeof v !== "object") return JSON.stringify(v);
  const array = Array.isArray(v);
  const entries: string[] = array ? (v as UbusValue[]).map((x) => fmt(x, level + 1)) : Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${fmt(x, level + 1)}`);
  const inner = "\t".repeat(level + 1);
  const outer = "\t".repeat(level);
  return `${array ? "[" : "{"}\n${inner}${entries.join(`,\n${inner}`)}\n${outer}${array ? "]" : "}"}`;
}

export function ubusJson(v: UbusValue): string {
  return `${fmt(v, 0)}\n`;
}
