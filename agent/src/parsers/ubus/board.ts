import type { BoardInfo } from "@meshfleet/shared";
import { notFormat, parsed, type ParseOutcome } from "../types";
import { isJsonObject, jsonGet, readObject, text } from "./read";

const BOARD_KEYS = ["kernel", "hostname", "system", "model", "board_name", "release"];

/**
 * `ubus call system board`. Old releases lack `board_name`, the wiki's 18.06 sample
 * escapes slashes (`ar71xx\/generic`), vendor forks print odd versions (numbers are kept
 * as text). Fields of the wrong type become null and are counted as skipped.
 */
export function parseUbusBoard(input: string): ParseOutcome<BoardInfo> {
  const r = readObject(input, "ubus system board");
  if (!r.ok) return r.outcome;
  const root = r.root;
  if (!root.entries.some(([k]) => BOARD_KEYS.includes(k))) return notFormat("not ubus system board: no kernel/model/board_name/release", 1);
  let skipped = 0;
  const field = (obj: typeof root, key: string): string | null => {
    const v = jsonGet(obj, key);
    const t = text(v);
    if (v !== undefined && v !== null && t === null) skipped++;
    return t;
  };
  const rel = jsonGet(root, "release");
  let release: BoardInfo["release"] = null;
  if (isJsonObject(rel)) {
    release = {
      distribution: field(rel, "distribution"),
      version: field(rel, "version"),
      revision: field(rel, "revision"),
      target: field(rel, "target"),
      description: field(rel, "description"),
    };
  } else if (rel !== undefined && rel !== null) skipped++;
  const value: BoardInfo = {
    hostname: field(root, "hostname"),
    model: field(root, "model"),
    boardName: field(root, "board_name"),
    kernel: field(root, "kernel"),
    system: field(root, "system"),
    release,
  };
  return parsed(value, skipped);
}
