import type { ParseOutcome } from "./types";
import type { FormatName } from "./detect";
import { parseNft } from "./nft/index";
import { parseHostapdClients, parseUbusBoard, parseUbusWireless } from "./ubus/index";

export * from "./types";
export { FORMAT_NAMES, detectFormat, isFormatName, stripCommentHeader, type FormatName } from "./detect";
export { parseNft, parseNftJson, parseNftText } from "./nft/index";
export { parseJsonKeepDuplicates, parseHostapdClients, parseUbusBoard, parseUbusWireless, wirelessConfigFromStatus, redactWirelessStatus } from "./ubus/index";

export type Parser = (text: string) => ParseOutcome<unknown>;

/** The `parse` CLI's format names mapped to their parsers. */
export const PARSE_FORMATS: { readonly [K in FormatName]?: Parser } = {
  nft: parseNft,
  "ubus-board": parseUbusBoard,
  "ubus-wireless": parseUbusWireless,
  "hostapd-clients": parseHostapdClients,
};
