import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * API bearer tokens: only a sha256 of the token is stored; the token itself is shown
 * once, when it is created. Roles: viewer (reads), operator (+ jobs), admin (+ tokens).
 */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    role: text("role").notNull(),
    /** hex sha256 of the token */
    hash: text("hash").notNull().unique(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_tokens_role_idx").on(t.role)],
);
