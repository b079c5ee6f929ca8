/**
 * JSON as the `ubus` CLI prints it (libubox `blobmsg_format_json_indent`): tab
 * indentation, `"key": value`, and an empty array or object still broken over lines
 * (`[` newline, indentation, newline, `]`).
 */
export type UbusValue = null | boolean | number | string | UbusValue[] | { [k: string]: UbusValue };

/** Newline plus `level` tabs, for the levels seen so far. */
const BREAKS: string[] = ["\n"];
function lineBreak(level: number): string {
  while (BREAKS.length <= level) BREAKS.push(`${BREAKS[BREAKS.length - 1]!}\t`);
  return BREAKS[level]!;
}

/** A string as JSON: quoted as is when nothing in it needs an escape. */
function quote(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return `"${s}"`;
}

function fmt(v: UbusValue, level: number, out: string[]): void {
  if (v === null) out.push("null");
  else if (typeof v === "string") out.push(quote(v));
  else if (typeof v !== "object") out.push(JSON.stringify(v));
  else if (Array.isArray(v)) {
    const inner = lineBreak(level + 1);
    out.push("[");
    for (let i = 0; i < v.length; i++) {
      out.push(i === 0 ? inner : `,${inner}`);
      fmt(v[i]!, level + 1, out);
    }
    if (v.length === 0) out.push(inner);
    out.push(lineBreak(level), "]");
  } else {
    const inner = lineBreak(level + 1);
    let first = true;
    out.push("{");
    for (const k of Object.keys(v)) {
      out.push(first ? inner : `,${inner}`, quote(k), ": ");
      fmt(v[k]!, level + 1, out);
      first = false;
    }
    if (first) out.push(inner);
    out.push(lineBreak(level), "}");
  }
}

/** The text in one piece (a flat string, not a tree of concatenations). */
export function ubusJson(v: UbusValue): string {
  const out: string[] = [];
  fmt(v, 0, out);
  out.push("\n");
  return out.join("");
}
