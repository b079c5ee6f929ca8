// `node build.mjs [distDir]`: the controller as JavaScript in dist/ (what the bin runs):
// dist/lib/meshfleet-controller.mjs (each command's modules in dist/lib/chunks, loaded when
// it runs), the dashboard's files in dist/lib/static and the SQL
// migrations in dist/drizzle and dist/drizzle-pg (read at run time relative to the code).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundle } from "../scripts/bundle.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.argv[2] ?? join(here, "dist");
await bundle({
  pkgDir: here,
  entry: "src/bin.ts",
  outfile: join(dist, "lib", "meshfleet-controller.mjs"),
  clean: dist,
  installable: true,
  splitting: true,
  copy: [
    [join(here, "src", "dashboard", "static"), join(dist, "lib", "static")],
    [join(here, "..", "migrations", "drizzle"), join(dist, "drizzle")],
    [join(here, "..", "migrations", "drizzle-pg"), join(dist, "drizzle-pg")],
  ],
});
