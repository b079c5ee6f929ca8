import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { routingNeighbors, routingView } from "@meshfleet/shared";
import { babeldToRoutingView, parseBabeldDump, parseBabeldUbus } from "./index";
import { forEachMutated } from "../../../testing/mutated";

const dir = fileURLToPath(new URL("./fixtures/", import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith(".txt"));
const seeds = files.map((f) => readFileSync(dir + f, "utf8"));
/** The ubus answers alone (the dumps outnumber them and would starve the ubus parser of valid seeds). */
const ubusSeeds = files.filter((f) => f.startsWith("ubus-")).map((f) => readFileSync(dir + f, "utf8"));

describe("babeld parsers on 3,000 mutated fixtures each", () => {
  it("parseBabeldDump never throws; its routing view passes the shared schema", () => {
    let good = 0;
    forEachMutated(seeds, 3000, 20261123, (text, how) => {
      try {
        const r = parseBabeldDump(text);
        if (r.ok) {
          good++;
          const check = routingView.safeParse(babeldToRoutingView(r.value));
          if (!check.success) throw new Error(`schema failed after ${how}: ${check.error.message}`);
        } else expect(["E_PARSE_FORMAT", "E_PARSE_INVALID"]).toContain(r.error.code);
      } catch (err) {
        throw new Error(`failed on mutation ${how}: ${String(err)}`);
      }
    });
    expect(good).toBeGreaterThan(300);
  });

  it("parseBabeldUbus never throws; ok values pass the shared schema", () => {
    let good = 0;
    forEachMutated(ubusSeeds, 3000, 20261124, (text, how) => {
      try {
        const r = parseBabeldUbus(text);
        if (r.ok) {
          good++;
          const check = routingNeighbors.safeParse(r.value);
          if (!check.success) throw new Error(`schema failed after ${how}: ${check.error.message}`);
        } else expect(["E_PARSE_FORMAT", "E_PARSE_INVALID"]).toContain(r.error.code);
      } catch (err) {
        throw new Error(`failed on mutation ${how}: ${String(err)}`);
      }
    });
    expect(good).toBeGreaterThan(100);
  });
});
