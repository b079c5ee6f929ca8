import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Test-only: the UCI files captured from OpenWrt releases (uci/fixtures), by file name. */
export const UCI_FIXTURES_DIR = join(import.meta.dirname, "..", "fixtures");

export function uciFixture(name: string): string {
  return readFileSync(join(UCI_FIXTURES_DIR, name), "utf8");
}
