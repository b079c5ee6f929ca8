#!/usr/bin/env node
// Runs the bundle (dist/meshfleet-agent.mjs, built by `npm run build`); the
// TypeScript sources are for development and tests only.
import { existsSync } from "node:fs";

const bundle = new URL("../dist/meshfleet-agent.mjs", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write("meshfleet-agent: not built (dist/ is missing); run `npm run build` in the repository\n");
  process.exit(1);
}
await import(bundle.href);
