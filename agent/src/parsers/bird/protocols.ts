import type { RoutingProtocol, RoutingProtocols } from "@meshfleet/shared";
import { invalid, notFormat, parsed, type ParseOutcome } from "../types";
import { compare, MAX_LINE, readReply, short, tokens } from "./reply";

const STATES = /^(up|down|start|stop|flush|\?\?\?)$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{1,2}:\d{2}(:\d{2}(\.\d{1,6})?)?$/;

function row(text: string): RoutingProtocol | null {
  const t = tokens(text);
  if (t.length < 5) return null;
  const [name, proto, table, state] = t as [string, string, string, string];
  if (!short(name) || !short(proto) || !short(table) || !STATES.test(state)) return null;
  // `timeformat protocol iso long` prints a date and a time: one Since value.
  const sinceParts = DATE.test(t[4] as string) && TIME.test(t[5] ?? "") ? 2 : 1;
  const since = t.slice(4, 4 + sinceParts).join(" ");
  if (!short(since)) return null;
  // Info keeps its own spacing (`Active        Socket: Connection refused`).
  let rest = text.trim();
  for (let k = 0; k < 4 + sinceParts; k++) rest = rest.replace(/^\S+\s*/, "");
  const info = rest.trim();
  if (info.length > 256) return null;
  return { name, proto, table: table === "---" ? null : table, state, since, info: info === "" ? null : info };
}

/**
 * BIRD `show protocols` (2.x `Name Proto Table State Since Info`, 1.6 lower-case
 * header), split on whitespace since long names push rows out of alignment; `---` table
 * is null. The indented detail lines of `show protocols all` are read past.
 */
export function parseBirdProtocols(text: string): ParseOutcome<RoutingProtocols> {
  const reply = readReply(text);
  if (!reply.ok) return reply;
  const protocols: RoutingProtocol[] = [];
  let recognised = 0;
  let skipped = 0;
  let detail = false;
  for (const { text: t, line } of reply.lines) {
    if (t.trim() === "") continue;
    if (t.length > MAX_LINE) {
      skipped++;
      continue;
    }
    if (/^name\s+proto\s+table\s+state\s+since\s+info\s*$/i.test(t.trim())) {
      recognised++;
      continue;
    }
    if (/^\s/.test(t)) {
      // `show protocols all` details belong to the protocol above them.
      if (detail) recognised++;
      else skipped++;
      continue;
    }
    const p = row(t);
    if (!p) {
      detail = false;
      skipped++;
      continue;
    }
    if (protocols.length >= 1024) return invalid("more than 1024 protocols", line);
    protocols.push(p);
    detail = true;
    recognised++;
  }
  if (recognised === 0 && !reply.empty) return notFormat("no BIRD protocol rows found", reply.lines[0]?.line ?? null);
  return parsed({ protocols: [...protocols].sort((a, b) => compare(a.name, b.name)) }, skipped);
}
