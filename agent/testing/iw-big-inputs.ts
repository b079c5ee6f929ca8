import { parserFixture } from "./parser-outcomes";

/**
 * Large `iw` outputs at the wire schema's limits (10,000 lines each), for the parsers'
 * size tests and the iw-parse benchmark: a real station dump repeated, 8,000 mesh paths
 * with stray lines, 200 interfaces with long TXQ tables.
 */
const hex = (i: number): string => `02:00:00:${((i >> 16) & 255).toString(16).padStart(2, "0")}:${((i >> 8) & 255).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")}`;

/** Repeats the text's blocks until it has at least `n` lines. */
export function grow(text: string, n: number): string {
  const body = text.endsWith("\n") ? text : `${text}\n`;
  const per = body.split("\n").length - 1;
  return body.repeat(Math.ceil(n / per));
}

/** The captured multi-chain mesh-peer station dump, repeated to 10,000 lines. */
export function bigStationDump(): string {
  return grow(parserFixture("iw", "station-dump-mesh-peer-multichain-signal.txt", { stripHeader: true }), 10_000);
}

/** 8,000 paths (the wire schema allows 8,192) and 2,000 stray lines: 10,000 lines. */
export function bigMpathDump(): string {
  const out = ["DEST ADDR         NEXT HOP          IFACE\tSN\tMETRIC\tQLEN\tEXPTIME\t\tDTIM\tDRET\tFLAGS\tHOP_COUNT\tPATH_CHANGE"];
  for (let i = 0; out.length < 10_000; i++) {
    out.push(`${hex(i)} ${hex(i % 97)} mesh0\t${i}\t${100 + (i % 900)}\t0\t${1000 + i}\t100\t0\t0x15\t${1 + (i % 5)}\t${i % 13}`);
    if (i % 4 === 3) out.push("stray line");
  }
  return out.join("\n");
}

/** 204 interfaces (the schema allows 256), each with a long TXQ table: 10,000 lines. */
export function bigIwDev(): string {
  const out: string[] = [];
  for (let i = 0; out.length < 10_000; i++) {
    if (i % 8 === 0) out.push(`phy#${i / 8}`);
    out.push(`\tInterface wlan${i}`, `\t\tifindex ${i + 3}`, `\t\twdev 0x${i.toString(16)}`, `\t\taddr ${hex(i)}`, "\t\ttype mesh point");
    out.push("\t\tchannel 36 (5180 MHz), width: 80 MHz, center1: 5210 MHz", "\t\ttxpower 20.00 dBm", "\t\tmulticast TXQ:");
    for (let k = 0; k < 41; k++) out.push(`\t\t\t0\t0\t${k}\t0\t0\t0\t0\t${k * 10}\t\t${k}`);
  }
  return out.slice(0, 10_000).join("\n");
}

/** A station whose last line is 100,001 characters of spaces and colons (a regex backtracking trap). */
export function longLineStationDump(): string {
  return `Station 02:00:00:00:00:01 (on wlan0)\n\tsignal:  \t-50 dBm\n${" ".repeat(50_000)}x${":".repeat(50_000)}\n`;
}
