#!/usr/bin/env -S node --max-semi-space-size=64
// A 64 MB young generation: ingest allocates ~20 KB per message; the default size makes
// garbage collection a fifth of the CPU profile.
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
