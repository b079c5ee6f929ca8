import { spawnSync } from "node:child_process";
import { join } from "node:path";

/**
 * Vitest global setup: builds the controller (controller/dist) so that the tests that
 * spawn `meshfleet-controller` run the JavaScript users run, from the current sources.
 */
export default function setup(): void {
  const root = join(import.meta.dirname, "..", "..");
  const r = spawnSync(process.execPath, [join(root, "controller", "build.mjs")], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`building the controller failed (${r.status}):\n${r.stdout}${r.stderr}`);
}
