import { defineConfig } from "drizzle-kit";

/**
 * The PostgreSQL migrations, generated from the tables derived from the SQLite schema
 * (`src/pg-schema/`) with `npm run generate:pg -w @meshfleet/migrations` and committed.
 */
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/pg-schema/index.ts",
  out: "./drizzle-pg",
});
