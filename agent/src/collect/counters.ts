import { ERROR_CODES, type NftCounters } from "@meshfleet/shared";
import { parseNft, parseNftText } from "../parsers/nft/index";
import { SectionRun } from "./section";
import type { CollectContext, SectionResult } from "./types";

const JSON_ARGV = ["nft", "-j", "list", "ruleset"];
const TEXT_ARGV = ["nft", "list", "ruleset"];

/**
 * `nft -j list ruleset`; builds without JSON support (the command fails, or prints
 * something that is not nft JSON) fall back to `nft list ruleset`. A missing or hung
 * `nft` is reported once, without a second try.
 */
export async function collectCounters(ctx: CollectContext): Promise<SectionResult<NftCounters>> {
  const s = new SectionRun(ctx, "counters");
  const first = await s.attempt(JSON_ARGV);
  if ("text" in first) {
    const out = parseNft(first.text);
    if (out.ok) return s.done(s.parsed(out, JSON_ARGV));
  } else if (first.error.code === ERROR_CODES.commandNotFound || first.error.code === ERROR_CODES.commandTimeout) {
    s.record(first.error);
    return s.done(null);
  }
  const fallback = await s.text(TEXT_ARGV);
  if (fallback === null) {
    if ("error" in first) s.record(first.error);
    return s.done(null);
  }
  return s.done(s.parsed(parseNftText(fallback), TEXT_ARGV));
}
