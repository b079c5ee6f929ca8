/**
 * Format names of the `parse` CLI and `detectFormat`, which guesses one of them from
 * distinctive markers. Pure; looks at the first lines only, so it stays fast on any input.
 */
export const FORMAT_NAMES = [
  "station-dump",
  "mpath-dump",
  "iw-dev",
  "survey-dump",
  "iw-scan",
  "dhcp-leases",
  "bird-rip-neighbors",
  "bird-rip-interfaces",
  "bird-babel-neighbors",
  "bird-babel-entries",
  "bird-route",
  "bird-protocols",
  "babeld-dump",
  "babeld-ubus",
  "nft",
  "ubus-board",
  "ubus-wireless",
  "hostapd-clients",
] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export function isFormatName(s: string): s is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(s);
}

/** Detection reads at most this many non-empty lines, each cut to MAX_LINE characters. */
const MAX_LINES = 200;
const MAX_LINE = 4096;
/** JSON markers are looked for in the first 64 KiB. */
const JSON_WINDOW = 65536;

// Only [ \t] around tokens: a multiline `^\s*` can run across newlines and turn quadratic.
const MAC_ISH = "(?:[0-9a-fx*]{1,2}:){5}[0-9a-fx*]{1,2}";
const TEXT_RULES: readonly [FormatName, RegExp][] = [
  ["nft", /^table[ \t]+(?:ip|ip6|inet|arp|bridge|netdev)[ \t]+\S+[ \t]*\{/],
  ["nft", /^chain[ \t]+\S+[ \t]*\{/],
  ["bird-route", /^Table[ \t]+\S+:$/],
  ["bird-protocols", /^name[ \t]+proto[ \t]+table[ \t]+state[ \t]+since/i], // 1.6 prints it in lower case
  ["bird-rip-interfaces", /^Interface[ \t]+State[ \t]+Metric[ \t]+Nbrs[ \t]+Timer/],
  ["bird-babel-neighbors", /^IP address[ \t]+Interface[ \t]+Metric[ \t]+Routes[ \t]+(?:Hellos|Next hello)/], // 2.x | 1.6
  ["bird-rip-neighbors", /^IP address[ \t]+Interface[ \t]+Metric[ \t]+Routes[ \t]+Seen/],
  ["bird-babel-entries", /^Prefix[ \t]+(?:Router ID|Nexthop)[ \t]/],
  ["babeld-dump", /^(?:add|change|flush)[ \t]+(?:neighbour|route|xroute|interface)[ \t]/],
  ["babeld-dump", /^BABEL[ \t]+\d/],
  ["station-dump", new RegExp(`^Station[ \\t]+${MAC_ISH}[ \\t]+\\(on[ \\t]+\\S+\\)`, "i")],
  ["mpath-dump", /^DEST ADDR[ \t]+NEXT HOP/],
  ["mpath-dump", new RegExp(`^${MAC_ISH}[ \\t]+${MAC_ISH}[ \\t]+\\S+[ \\t]+\\d+[ \\t]+\\d+`, "i")],
  ["iw-dev", /^phy#\d+$/],
  ["survey-dump", /^Survey data from[ \t]+\S+$/],
  ["iw-scan", new RegExp(`^BSS[ \\t]+${MAC_ISH}(?:\\(on[ \\t]+\\S+\\))?(?:[ \\t]+--[ \\t]+\\S+)?$`, "i")],
  ["dhcp-leases", new RegExp(`^\\d{1,12}[ \\t]+${MAC_ISH}[ \\t]+[0-9a-f.:]+[ \\t]+\\S+`, "i")],
  // BIRD 1.6 one-line routes: `prefix via … on … [proto time] * (pref/metric)`, `dev`, `unreachable`.
  ["bird-route", /^[0-9a-f:.]+\/\d{1,3}[ \t]+(?:via|dev|unreachable|blackhole|prohibited|unicast|multipath)\b[^[]{0,200}\[\S+[ \t]/i],
];

/** Line-start markers that only count together: `Interface wlan0` followed by `ifindex`/`wdev`/`addr`/`type`. */
function looksLikeIwInfo(ls: readonly string[]): boolean {
  const i = ls.findIndex((l) => /^Interface[ \t]+\S+$/.test(l));
  return i >= 0 && ls.slice(i + 1, i + 6).some((l) => /^(?:ifindex|wdev|addr|type)[ \t]/.test(l));
}

function detectJson(head: string): FormatName | null {
  if (/^\{[ \t\r\n]*"nftables"[ \t\r\n]*:/.test(head)) return "nft";
  if (/"clients"[ \t\r\n]*:[ \t\r\n]*\{/.test(head)) return "hostapd-clients";
  if (/"radio\d+"[ \t\r\n]*:[ \t\r\n]*\{/.test(head) && /"interfaces"[ \t\r\n]*:/.test(head)) return "ubus-wireless";
  if (/"interfaces"[ \t\r\n]*:[ \t\r\n]*\[/.test(head) && /"config"[ \t\r\n]*:/.test(head) && /"up"[ \t\r\n]*:/.test(head)) return "ubus-wireless";
  if (/"board_name"[ \t\r\n]*:/.test(head)) return "ubus-board";
  if (/"release"[ \t\r\n]*:[ \t\r\n]*\{/.test(head) && /"(?:kernel|model|system)"[ \t\r\n]*:/.test(head)) return "ubus-board";
  if (/"IPv[46]"[ \t\r\n]*:/.test(head)) return "babeld-ubus";
  return null;
}

/**
 * The format of `text`, or null when no marker matches. `birdc -v` reply codes
 * (`2002-`, `1002 `) and leading whitespace are ignored.
 */
export function detectFormat(text: string): FormatName | null {
  const start = text.replace(/^\uFEFF/, "").trimStart();
  if (start.startsWith("{")) return detectJson(start.slice(0, JSON_WINDOW));
  const ls: string[] = [];
  let pos = 0;
  while (ls.length < MAX_LINES && pos < text.length) {
    let end = text.indexOf("\n", pos);
    if (end < 0) end = text.length;
    const line = text
      .slice(pos, Math.min(end, pos + MAX_LINE))
      .trim()
      .replace(/^\d{4}[- ]/, "");
    if (line) ls.push(line);
    pos = end + 1;
  }
  for (const [format, re] of TEXT_RULES) if (ls.some((l) => re.test(l))) return format;
  if (looksLikeIwInfo(ls)) return "iw-dev";
  return null;
}

/**
 * Drops a leading provenance header (lines starting with `#`, ended by a `# ---` line),
 * the convention of the fixture collections. Returns the text and how many lines went.
 */
export function stripCommentHeader(text: string): { text: string; lines: number } {
  if (!text.startsWith("#")) return { text, lines: 0 };
  let pos = 0;
  let n = 0;
  while (pos < text.length) {
    let end = text.indexOf("\n", pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end).replace(/\r$/, "");
    if (!line.startsWith("#")) return { text, lines: 0 };
    n++;
    if (/^# ?---[ \t]*$/.test(line)) return { text: text.slice(Math.min(end + 1, text.length)), lines: n };
    pos = end + 1;
  }
  return { text, lines: 0 };
}
