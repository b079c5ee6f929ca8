// Bundles the agent into one file for routers and companion hosts:
// `node build.mjs` -> dist/meshfleet-agent.mjs (ESM, Node 18+, no node_modules needed).
import { build } from "esbuild";
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
// `node build.mjs [outfile]` (tests build into a temp dir).
const outfile = process.argv[2] ?? join(here, "dist", "meshfleet-agent.mjs");

await build({
  stdin: {
    contents: 'import { main } from "./src/main.ts";\nawait main(process.argv);\n',
    resolveDir: here,
    sourcefile: "meshfleet-agent-entry.ts",
    loader: "ts",
  },
  bundle: true,
  platform: "node",
  // Prefer ESM builds: jsonc-parser's UMD build require()s its own files at run time.
  mainFields: ["module", "main"],
  format: "esm",
  target: "node18",
  outfile,
  minify: true,
  legalComments: "none",
  // CommonJS dependencies (pino, commander) call require() for Node built-ins.
  banner: { js: '#!/usr/bin/env node\nimport { createRequire as __mfCreateRequire } from "node:module";\nconst require = __mfCreateRequire(import.meta.url);' },
  logLevel: "warning",
});
process.stdout.write(`built ${outfile} (${Math.round(statSync(outfile).size / 1024)} KiB)\n`);
