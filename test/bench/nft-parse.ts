import { parseNftJson, parseNftText } from "@meshfleet/agent/parsers";
import { timeRuns } from "./timing";

/**
 * nft parser benchmark: a generated fw4-like ruleset of N counted rules (default
 * 10,000) in the `nft -j list ruleset` JSON form (one line) and the text form; prints
 * the median and worst time of several parses of each.
 *
 *   npm run bench -- nft-parse [rules] [runs]
 */
function ruleset(n: number): { json: string; text: string } {
  const items: unknown[] = [{ metainfo: { version: "1.0.6", release_name: "Lester Gooch #5", json_schema_version: 1 } }, { table: { family: "inet", name: "fw4", handle: 1 } }];
  const text: string[] = ["table inet fw4 { # handle 1"];
  const chains = 20;
  for (let c = 0; c < chains; c++) {
    items.push({ chain: { family: "inet", table: "fw4", name: `zone_${c}`, handle: 2 + c } });
    text.push(`\tchain zone_${c} { # handle ${2 + c}`);
    for (let r = c; r < n; r += chains) {
      const port = 1000 + (r % 60000);
      const handle = 100 + r;
      items.push({
        rule: {
          family: "inet",
          table: "fw4",
          chain: `zone_${c}`,
          handle,
          comment: `!fw4: rule-${r}`,
          expr: [
            { match: { op: "==", left: { meta: { key: "nfproto" } }, right: "ipv6" } },
            { match: { op: "==", left: { payload: { protocol: "udp", field: "dport" } }, right: port } },
            { match: { op: "==", left: { payload: { protocol: "ip6", field: "saddr" } }, right: { prefix: { addr: "fe80::", len: 10 } } } },
            { counter: { packets: r * 3, bytes: r * 300 } },
            { accept: null },
          ],
        },
      });
      text.push(`\t\tmeta nfproto ipv6 udp dport ${port} ip6 saddr fe80::/10 counter packets ${r * 3} bytes ${r * 300} accept comment "!fw4: rule-${r}" # handle ${handle}`);
    }
    text.push("\t}");
  }
  text.push("}");
  return { json: JSON.stringify({ nftables: items }), text: text.join("\n") + "\n" };
}

export default async function main(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 10_000);
  const runs = Number(args[1] ?? 9);
  const { json, text } = ruleset(n);
  process.stdout.write(`ruleset: ${n} rules; JSON ${(json.length / 1e6).toFixed(2)} MB, text ${(text.length / 1e6).toFixed(2)} MB\n`);
  timeRuns("parseNftJson", runs, () => {
    const r = parseNftJson(json);
    if (!r.ok) throw new Error(r.error.message);
    return r.value.counters.length;
  }, { unit: "counters" });
  timeRuns("parseNftText", runs, () => {
    const r = parseNftText(text);
    if (!r.ok) throw new Error(r.error.message);
    return r.value.counters.length;
  }, { unit: "counters" });
  await Promise.resolve();
}
