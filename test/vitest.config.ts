import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    include: ["src/**/*.test.ts"],
    // Tests spawn the built controller (its bin runs dist/): build it once per run.
    globalSetup: ["src/build-setup.ts"],
  },
});
