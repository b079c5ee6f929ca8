import type { ParseOutcome } from "./types";
import type { FormatName } from "./detect";
import { parseBabeldDump, parseBabeldUbus } from "./babeld/index";
import { parseIwDev, parseMpathDump, parseScan, parseStationDump, parseSurveyDump } from "./iw/index";
import { parseBirdBabelEntries, parseBirdBabelNeighbors, parseBirdProtocols, parseBirdRipInterfaces, parseBirdRipNeighbors, parseBirdRoutes } from "./bird/index";
import { parseNft } from "./nft/index";
import { parseDhcpLeases } from "./dhcp/leases";
import { parseHostapdClients, parseUbusBoard, parseUbusWireless } from "./ubus/index";

/** Every parser of the project, and the registry the `parse` CLI uses. */
export * from "./types";
export { FORMAT_NAMES, detectFormat, isFormatName, stripCommentHeader, type FormatName } from "./detect";
export { parseStationDump, parseMpathDump, parseIwDev, parseSurveyDump, inUseChannel, parseScan, channelOf, type ScanBss, type ScanChannel, type ScanResult } from "./iw/index";
export { parseBabeldDump, babeldToRoutingView, parseBabeldUbus, type BabeldDump } from "./babeld/index";
export { parseBirdRipNeighbors, parseBirdRipInterfaces, parseBirdBabelNeighbors, parseBirdBabelEntries, parseBirdRoutes, parseBirdProtocols } from "./bird/index";
export { parseNft, parseNftJson, parseNftText } from "./nft/index";
export { parseDhcpLeases } from "./dhcp/leases";
export { parseUptime, parseLoadavg, parseMeminfo, parseHostname, parseIpJson, parseIpText, parseDelegatedPrefixes } from "../collect/system-parse";
export { parseJsonKeepDuplicates, parseHostapdClients, parseUbusBoard, parseUbusWireless, wirelessConfigFromStatus, redactWirelessStatus } from "./ubus/index";

export type Parser = (text: string) => ParseOutcome<unknown>;

/** The `parse` CLI's format names mapped to their parsers. */
export const PARSE_FORMATS: { readonly [K in FormatName]: Parser } = {
  "station-dump": parseStationDump,
  "mpath-dump": parseMpathDump,
  "iw-dev": parseIwDev,
  "survey-dump": parseSurveyDump,
  "iw-scan": parseScan,
  "dhcp-leases": parseDhcpLeases,
  "bird-rip-neighbors": parseBirdRipNeighbors,
  "bird-rip-interfaces": parseBirdRipInterfaces,
  "bird-babel-neighbors": parseBirdBabelNeighbors,
  "bird-babel-entries": parseBirdBabelEntries,
  "bird-route": parseBirdRoutes,
  "bird-protocols": parseBirdProtocols,
  "babeld-dump": parseBabeldDump,
  "babeld-ubus": parseBabeldUbus,
  nft: parseNft,
  "ubus-board": parseUbusBoard,
  "ubus-wireless": parseUbusWireless,
  "hostapd-clients": parseHostapdClients,
};
