#!/usr/bin/env node
// The package ships TypeScript sources; tsx loads them.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
const { toWireError } = await import("@meshfleet/shared");
try {
  await main(process.argv);
} catch (err) {
  process.stderr.write(`meshfleet-controller: ${JSON.stringify(toWireError(err))}\n`);
  process.exit(1);
}
