#!/usr/bin/env node
// Runs the bundle when it was built (agent/dist), else the TypeScript sources through tsx.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bundle = fileURLToPath(new URL("../dist/meshfleet-agent.mjs", import.meta.url));
if (process.env.MESHFLEET_AGENT_DEV !== "1" && existsSync(bundle)) {
  await import(bundle);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../src/main.ts");
  await main(process.argv);
}
