// `node build.mjs [distDir]`: the simulator and the demo as JavaScript in dist/lib (the
// agent and controller code inlined, npm packages imported), with the dashboard's files
// and the SQL migrations beside them as the controller's build lays them out.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundle } from "../scripts/bundle.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.argv[2] ?? join(here, "dist");
await bundle({ pkgDir: here, entry: "src/cli-entry.ts", outfile: join(dist, "lib", "meshfleet-sim.mjs"), clean: dist });
await bundle({
  pkgDir: here,
  entry: "src/demo/main.ts",
  outfile: join(dist, "lib", "demo.mjs"),
  copy: [
    [join(here, "..", "controller", "src", "dashboard", "static"), join(dist, "lib", "static")],
    [join(here, "..", "migrations", "drizzle"), join(dist, "drizzle")],
  ],
});
