import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The built command line loads only what a command needs: `--help` and `--version` load
 * commander and nothing of the store, NATS, hono, drizzle or zod (each command's modules
 * are chunks it loads with `import()` when it runs).
 */
const CONTROLLER_DIR = fileURLToPath(new URL("../..", import.meta.url));
// Inside the repository (node_modules/.cache, ignored): the output resolves its npm packages from there.
const cache = join(CONTROLLER_DIR, "node_modules", ".cache");
mkdirSync(cache, { recursive: true });
const dist = mkdtempSync(join(cache, "mf-controller-dist-"));
const entry = join(dist, "lib", "meshfleet-controller.mjs");

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(CONTROLLER_DIR, "build.mjs"), dist], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}, 120_000);
afterAll(() => rmSync(dist, { recursive: true, force: true }));

/** The packages a module and its static imports (not `import()`) load, following the build's own files. */
function staticPackages(file: string, seen = new Set<string>(), out = new Set<string>()): Set<string> {
  if (seen.has(file)) return out;
  seen.add(file);
  for (const m of readFileSync(file, "utf8").matchAll(/^(?:import|\}) [^"\n]*?from "([^"]+)";$|^import "([^"]+)";$/gm)) {
    const spec = (m[1] ?? m[2])!;
    if (spec.startsWith(".")) staticPackages(resolve(dirname(file), spec), seen, out);
    else if (!spec.startsWith("node:")) out.add(spec);
  }
  return out;
}

function cli(...args: string[]) {
  return spawnSync(process.execPath, [entry, ...args], { encoding: "utf8", env: { PATH: process.env.PATH ?? "" }, timeout: 60_000 });
}

describe("the built controller command line", () => {
  it("imports commander alone before a command runs", () => {
    expect([...staticPackages(entry)]).toEqual(["commander"]);
  });

  it("answers --help and --version", () => {
    const help = cli("--help");
    expect(help.status).toBe(0);
    for (const c of ["serve", "job", "token", "enroll", "nats-config", "alerts", "diag", "doctor"]) expect(help.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, "m"));
    const version = cli("--version");
    expect(version.status).toBe(0);
    expect(version.stdout).toBe("0.1.0\n");
  });

  it("loads a command's modules when it runs: enroll, then nats-config writes the accounts block", () => {
    const keys = join(dist, "keys");
    const enrolled = cli("enroll", "r1", "--keys", keys);
    expect(enrolled.stderr).toBe("");
    expect(enrolled.stdout).toMatch(/^enrolled r1: public key U[A-Z2-7]{55}$/m);
    const out = join(dist, "accounts.conf");
    const r = cli("nats-config", "--keys", keys, "--out", out);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*accounts\.conf: 1 node user\(s\) \+ the controller/m);
    expect(readFileSync(out, "utf8")).toContain(enrolled.stdout.match(/public key (U[A-Z2-7]{55})/)![1]);
  });
});
