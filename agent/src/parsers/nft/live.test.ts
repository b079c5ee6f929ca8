import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nftCounters, type NftCounter } from "@meshfleet/shared";
import { parseNftJson, parseNftText } from "./index";

/**
 * Against the nftables installed on this machine: load the fw4-like ruleset the
 * fixtures were captured from into a throwaway network namespace, list it in JSON and
 * text, and parse both. Proves the parsers keep up with the local nft's output.
 */
const ns = `mf-nft-parse-${process.pid}`;
const ruleset = fileURLToPath(new URL("./fixtures/fw4-like-ruleset.nft", import.meta.url));

function run(argv: string[]): string {
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: "utf8", timeout: 20_000, env: { ...process.env, LC_ALL: "C" } });
  if (r.status !== 0) throw new Error(`${argv.join(" ")} failed (${String(r.status)}): ${r.stderr || r.error?.message || ""}`);
  return r.stdout;
}

beforeAll(() => {
  run(["ip", "netns", "add", ns]);
  run(["ip", "netns", "exec", ns, "nft", "-f", ruleset]);
});
afterAll(() => {
  spawnSync("ip", ["netns", "del", ns]);
});

const pick = (cs: NftCounter[], comment: string): NftCounter | undefined => cs.find((c) => c.comment === comment);

describe("parseNftJson / parseNftText on live nft output", () => {
  it("reads the same counters from nft -j list ruleset and nft -a list ruleset", () => {
    const json = parseNftJson(run(["ip", "netns", "exec", ns, "nft", "-j", "list", "ruleset"]));
    const text = parseNftText(run(["ip", "netns", "exec", ns, "nft", "-a", "list", "ruleset"]));
    if (!json.ok || !text.ok) throw new Error("live nft output did not parse");
    expect(nftCounters.safeParse(json.value).success).toBe(true);
    expect(json.skipped).toBe(0);
    expect(text.skipped).toBe(0);
    expect(text.value).toEqual(json.value);
    const cs = json.value.counters;
    expect(cs.filter((c) => c.kind === "rule")).toHaveLength(17);
    expect(cs.filter((c) => c.kind === "named").map((c) => [c.name, c.packets, c.bytes])).toEqual([["rip_in", 5, 440]]);
    expect(pick(cs, "!fw4: Allow-RIPng")).toMatchObject({ family: "inet", table: "fw4", chain: "input_wan", packets: 5, bytes: 440, summary: 'udp dport 521 ip6 saddr fe80::/10 counter name "rip_in" accept' });
    expect(pick(cs, "!fw4: Allow-Babel")).toMatchObject({ packets: 3, bytes: 264, summary: "udp dport 6696 ip6 saddr @lan_hosts accept" });
    expect(typeof pick(cs, "!fw4: Allow-RIPng")?.handle).toBe("number");
  });
});
