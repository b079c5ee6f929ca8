// One esbuild step for the packages that ship JavaScript (controller, simulator): the
// package's own TypeScript and the workspace packages it uses (@meshfleet/shared, uci,
// migrations, ...) become one ESM file; the npm packages in its `dependencies` stay
// imports (installed by `npm ci --omit=dev` or `npm install -g`). Files read at run time
// next to the code (the dashboard's static files, the SQL migrations) are copied beside it.
import { build } from "esbuild";
import { cpSync, existsSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));

/** Where a workspace package lives (node_modules/@meshfleet/x in this folder or above). */
function packageDir(from, name) {
  for (let dir = from; ; dir = dirname(dir)) {
    const p = join(dir, "node_modules", name);
    if (existsSync(join(p, "package.json"))) return realpathSync(p);
    if (dirname(dir) === dir) throw new Error(`bundle: ${name} is not installed (npm install)`);
  }
}

/**
 * The npm packages the output imports: the package's `dependencies` and those of the
 * workspace packages it inlines (its @meshfleet/* dependencies, recursively).
 */
function npmDependencies(pkgDir, top = true, seen = new Set()) {
  const pkg = readJson(join(pkgDir, "package.json"));
  const names = Object.keys(pkg.dependencies ?? {});
  if (top) names.push(...Object.keys(pkg.devDependencies ?? {}).filter((d) => d.startsWith("@meshfleet/")));
  const out = new Set();
  for (const d of names) {
    if (!d.startsWith("@meshfleet/")) out.add(d);
    else if (d !== "@meshfleet/testkit" && !seen.has(d)) {
      seen.add(d);
      for (const x of npmDependencies(packageDir(pkgDir, d), false, seen)) out.add(x);
    }
  }
  return [...out];
}

/**
 * @param {object} o
 * @param {string} o.pkgDir the package folder (holds package.json)
 * @param {string} o.entry entry module, relative to pkgDir
 * @param {string} o.outfile output file
 * @param {[string, string][]} [o.copy] [from, to] folders copied after the build
 * @param {string} [o.clean] a folder emptied first
 * @param {string} [o.banner] first lines of the output (a shebang)
 * @param {boolean} [o.installable] installed on its own (npm pack): every import must be in its dependencies
 * @param {boolean} [o.splitting] what the entry loads with `import()` goes to chunks/ beside the
 *   output file, loaded only when that code runs (a command line whose commands load their own modules)
 */
export async function bundle(o) {
  const deps = npmDependencies(o.pkgDir);
  if (o.installable) {
    // What `npm install` of this package alone brings must be all the output imports.
    const own = readJson(join(o.pkgDir, "package.json")).dependencies ?? {};
    const missing = deps.filter((d) => !(d in own));
    if (missing.length > 0) throw new Error(`bundle: add ${missing.join(", ")} to ${o.pkgDir}/package.json dependencies (the output imports them)`);
  }
  const external = deps.flatMap((d) => [d, `${d}/*`]);
  if (o.clean) rmSync(o.clean, { recursive: true, force: true });
  const output = o.splitting
    ? { entryPoints: { [basename(o.outfile).replace(/\.mjs$/, "")]: join(o.pkgDir, o.entry) }, outdir: dirname(o.outfile), splitting: true, chunkNames: "chunks/[name]-[hash]", outExtension: { ".js": ".mjs" } }
    : { entryPoints: [join(o.pkgDir, o.entry)], outfile: o.outfile };
  await build({
    ...output,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external,
    sourcemap: "linked",
    legalComments: "none",
    banner: { js: `${o.banner ?? ""}import { createRequire as __mfCreateRequire } from "node:module";\nconst require = __mfCreateRequire(import.meta.url);` },
    logLevel: "warning",
  });
  for (const [from, to] of o.copy ?? []) cpSync(from, to, { recursive: true });
  process.stdout.write(`built ${o.outfile} (${Math.round(statSync(o.outfile).size / 1024)} KiB)\n`);
}
