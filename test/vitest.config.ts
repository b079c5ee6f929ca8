import { defineConfig } from "vitest/config";

/**
 * The routing labs (BIRD 2 RIPng, BIRD 2 Babel, BIRD 1.6 RIPng, babeld) run in every
 * `npm test`. `npm run lab -w @meshfleet/test` runs only them (MESHFLEET_LAB=all also runs
 * any lab listed here as opt-in; none is today).
 */
const OPT_IN_LABS: string[] = [];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    include: ["src/**/*.test.ts"],
    exclude: ["**/node_modules/**", ...(process.env.MESHFLEET_LAB === "all" ? [] : OPT_IN_LABS)],
    // Tests spawn the built controller (its bin runs dist/): build it once per run.
    globalSetup: ["src/build-setup.ts"],
  },
});
