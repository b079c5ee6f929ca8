// Lint: typed rules that matter in NATS and exec code stay on everywhere, and each
// package's import boundaries (no-restricted-imports) say what it may depend on.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const TESTS = ["**/*.test.ts", "**/testing/**", "**/vitest.config.ts"];

/** A relative import that climbs out of its package into another one's files. */
const otherPackageFiles = {
  regex: String.raw`^(\.\./)+(shared|uci|agent|controller|sim|migrations|test)/(src|testing|harness|bench)/`,
  message: "Import another package by its name (@meshfleet/...), not by a path into its files.",
};
const testOnly = [
  { group: ["vitest", "vitest/*", "fast-check", "@meshfleet/testkit", "@meshfleet/*/testing"], message: "Test helpers belong in tests and testing/ entry points, never in a package's sources." },
  { regex: String.raw`(^|/)testing(/|$)`, message: "testing/ holds test-only helpers; production sources never import it." },
];

/** Restricted imports for one package: its banned groups, plus the rules every package follows. */
function boundaries(files, patterns, { tests = false, ignores = [] } = {}) {
  return {
    files,
    ignores: [...(tests ? [] : TESTS), ...ignores],
    rules: { "no-restricted-imports": ["error", { patterns: [otherPackageFiles, ...(tests ? [] : testOnly), ...patterns] }] },
  };
}

const backendOnly = { group: ["hono", "hono/*", "@hono/*", "better-sqlite3", "drizzle-orm", "drizzle-orm/*", "@meshfleet/migrations"], message: "Storage and HTTP belong to the controller." };

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "**/*.mjs", "**/*.cjs", "migrations/drizzle/**", "controller/web/vendor/**"] },
  {
    files: ["**/*.ts", "**/*.tsx"],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-eval": "error",
    },
  },
  // The dashboard's plain browser scripts: ESLint's recommended rules; unknown names and
  // DOM misuse are TypeScript's (checkJs, controller/src/dashboard/static/tsconfig.json).
  {
    files: ["controller/src/dashboard/static/*.js"],
    ...js.configs.recommended,
    languageOptions: { ecmaVersion: 2022, sourceType: "script" },
    rules: { ...js.configs.recommended.rules, "no-undef": "off" },
  },
  // shared: the wire contract; zod, and node:zlib for the compact wire encoding (both sides decode it).
  boundaries(["shared/src/**/*.ts"], [{ regex: String.raw`^(?!zod$|zod/|node:zlib$|\.)`, message: "shared (the wire contract) imports nothing but zod, and node:zlib for the compact wire encoding." }]),
  // uci: the pure UCI model; the wire contract and Node's file system only.
  boundaries(["uci/src/**/*.ts"], [{ regex: String.raw`^(?!@meshfleet/shared$|node:(fs|fs/promises|path)$|\.)`, message: "@meshfleet/uci is pure: @meshfleet/shared and node:fs/node:path only." }]),
  // agent: runs on routers; never the controller, the simulator, storage or HTTP.
  boundaries(["agent/src/**/*.ts", "agent/testing/**/*.ts"], [{ group: ["@meshfleet/controller", "@meshfleet/controller/*", "@meshfleet/sim", "@meshfleet/sim/*"], message: "The router agent knows neither the controller nor the simulator." }, backendOnly]),
  boundaries(["agent/src/**/*.test.ts", "agent/testing/**/*.ts"], [{ group: ["@meshfleet/controller", "@meshfleet/controller/*", "@meshfleet/sim", "@meshfleet/sim/*"], message: "The router agent knows neither the controller nor the simulator." }, backendOnly], { tests: true }),
  // controller: reads the wire contract, never the agent's code or the simulator.
  boundaries(["controller/src/**/*.ts"], [{ group: ["@meshfleet/agent", "@meshfleet/agent/*", "@meshfleet/sim", "@meshfleet/sim/*"], message: "The controller depends on the wire contract (@meshfleet/shared) and @meshfleet/uci, not on the agent or the simulator." }]),
  // controller features (jobs, detect, metrics, ...) sit below the HTTP assembly in api/ and the CLI:
  // they take their deps from http/ and never climb back up into api/.
  boundaries(
    ["controller/src/*/**/*.ts"],
    [
      { group: ["@meshfleet/agent", "@meshfleet/agent/*", "@meshfleet/sim", "@meshfleet/sim/*"], message: "The controller depends on the wire contract (@meshfleet/shared) and @meshfleet/uci, not on the agent or the simulator." },
      { regex: String.raw`^\.\./(\.\./)*api/`, message: "A feature never imports the API assembly (api/): take ApiDeps and the HTTP helpers from http/." },
    ],
    { ignores: ["controller/src/api/**", "controller/src/cli/**"] },
  ),
  boundaries(["controller/src/**/*.test.ts", "controller/testing/**/*.ts"], [{ group: ["@meshfleet/agent", "@meshfleet/agent/*", "@meshfleet/sim", "@meshfleet/sim/*"], message: "The controller depends on the wire contract (@meshfleet/shared) and @meshfleet/uci, not on the agent or the simulator." }], { tests: true }),
  // sim and the harness: anything by package name, no path into another package.
  boundaries(["sim/src/**/*.ts", "migrations/src/**/*.ts", "test/harness/src/**/*.ts"], []),
  boundaries(["sim/src/**/*.test.ts", "migrations/src/**/*.test.ts", "test/harness/src/**/*.test.ts", "test/src/**/*.ts", "test/bench/**/*.ts"], [], { tests: true }),
);
