#!/usr/bin/env -S node --max-semi-space-size=64
// A 64 MB young generation: ingest allocates ~20 KB per message; the default size makes
// garbage collection a fifth of the CPU profile.
// Runs the built JavaScript (dist/, `npm run build`); the TypeScript sources are for
// development and tests only (see controller/src/bin.ts).
import { existsSync } from "node:fs";

const built = new URL("../dist/lib/meshfleet-controller.mjs", import.meta.url);
if (!existsSync(built)) {
  process.stderr.write("meshfleet-controller: not built (dist/ is missing); run `npm run build` in the repository\n");
  process.exit(1);
}
await import(built.href);
