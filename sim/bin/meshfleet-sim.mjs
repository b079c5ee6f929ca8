#!/usr/bin/env node
// Runs the built JavaScript (dist/, `npm run build`); TypeScript is for development only.
import { existsSync } from "node:fs";

const built = new URL("../dist/lib/meshfleet-sim.mjs", import.meta.url);
if (!existsSync(built)) {
  process.stderr.write("meshfleet-sim: not built (dist/ is missing); run `npm run build` in the repository\n");
  process.exit(1);
}
const { main } = await import(built.href);
await main(process.argv);
