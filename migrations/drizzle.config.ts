import { defineConfig } from "drizzle-kit";

/**
 * Migrations are generated from every schema file (`src/schema/*.ts`, one per feature:
 * core, detect, jobs, ...) with `npm run generate -w @meshfleet/migrations` and committed.
 */
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/schema/*.ts",
  out: "./drizzle",
});
