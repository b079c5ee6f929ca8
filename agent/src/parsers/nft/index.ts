import type { NftCounters } from "@meshfleet/shared";
import type { ParseOutcome } from "../types";
import { parseNftJson } from "./json";
import { parseNftText } from "./text";

export { parseNftJson } from "./json";
export { parseNftText } from "./text";
export { summariseExpr } from "./summary";

/**
 * `nft -j list ruleset` when the input is JSON, else the text form (builds without
 * JSON support). Broken JSON that announces itself as nft JSON stays an error: it is
 * never re-read as text.
 */
export function parseNft(text: string): ParseOutcome<NftCounters> {
  const json = parseNftJson(text);
  if (json.ok || json.error.code === "E_PARSE_INVALID") return json;
  if (text.trimStart().startsWith("{")) {
    const asText = parseNftText(text);
    return asText.ok ? asText : json;
  }
  return parseNftText(text);
}
