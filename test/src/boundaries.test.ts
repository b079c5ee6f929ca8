import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

/** Every module specifier imported (static, dynamic, re-export) by a file. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;
  for (const m of text.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3]) as string);
  return specs;
}

function packageName(spec: string): string | null {
  if (spec.startsWith(".") || spec.startsWith("/")) return null;
  if (spec.startsWith("node:")) return "node:";
  const parts = spec.split("/");
  return spec.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

describe("package boundaries", () => {
  it("the agent never imports the controller, hono, better-sqlite3 or drizzle", () => {
    const banned = ["@meshfleet/controller", "@meshfleet/migrations", "hono", "@hono/node-server", "better-sqlite3", "drizzle-orm"];
    const offenders: string[] = [];
    const files = sourceFiles(join(root, "agent", "src"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      for (const spec of importsOf(f)) {
        const pkg = packageName(spec);
        if (pkg && banned.includes(pkg)) offenders.push(`${relative(root, f)} -> ${spec}`);
        if (spec.includes("/controller/")) offenders.push(`${relative(root, f)} -> ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
    const pkgJson = JSON.parse(readFileSync(join(root, "agent", "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    expect(Object.keys(pkgJson.dependencies ?? {}).filter((d) => banned.includes(d))).toEqual([]);
  });

  it("shared imports nothing but zod (and its own files)", () => {
    const offenders: string[] = [];
    const files = sourceFiles(join(root, "shared", "src"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      if (f.endsWith(".test.ts")) continue;
      for (const spec of importsOf(f)) {
        const pkg = packageName(spec);
        if (pkg !== null && pkg !== "zod") offenders.push(`${relative(root, f)} -> ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
    const pkgJson = JSON.parse(readFileSync(join(root, "shared", "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    expect(Object.keys(pkgJson.dependencies ?? {})).toEqual(["zod"]);
  });

  it("the import scanner sees every import form", () => {
    // Guards the test above against a scanner that silently finds nothing.
    const sample = join(root, "test", "src", "boundaries.test.ts");
    expect(importsOf(sample)).toEqual(expect.arrayContaining(["node:fs", "node:path", "vitest"]));
  });
});
