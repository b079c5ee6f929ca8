import { ERROR_CODES, type NftCounters } from "@meshfleet/shared";
import { parseNft, parseNftText } from "../parsers/nft/index";
import { SectionRun } from "./section";
import type { CollectContext, SectionResult } from "./types";

/** `nft -j list ruleset`; builds without JSON support fall back to `nft list ruleset`. */
export async function collectCounters(ctx: CollectContext): Promise<SectionResult<NftCounters>> {
  const s = new SectionRun(ctx, "counters");
  const json = ["nft", "-j", "list", "ruleset"];
  const text = await s.text(json, { quiet: true });
  if (text !== null) {
    const out = parseNft(text);
    if (out.ok) return s.done(s.parsed(out, json));
  }
  const plain = ["nft", "list", "ruleset"];
  const fallback = await s.text(plain);
  if (fallback === null) {
    if (text !== null) s.error(ERROR_CODES.parseFormat, "nft -j output could not be read and the text form failed", json);
    return s.done(null);
  }
  return s.done(s.parsed(parseNftText(fallback), plain));
}
