/** Parsers of what `iw` prints: station dump, mesh path dump, `iw dev` / `iw dev IF info`. */
export { parseStationDump } from "./station-dump";
export { parseMpathDump } from "./mpath-dump";
export { parseIwDev } from "./iw-dev";
export { parseBitrate } from "./bitrate";
export { parseSurveyDump, inUseChannel } from "./survey-dump";
export { parseScan, channelOf, type ScanBss, type ScanChannel, type ScanResult } from "./scan";
