import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { StoreApi } from "../store/index";

export const ROLES = ["viewer", "operator", "admin"] as const;
export const role = z.enum(ROLES);
export type Role = z.infer<typeof role>;
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Does `have` include what `need` allows (admin > operator > viewer)? */
export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

const hashOf = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

interface TokenDbRow {
  id: string;
  name: string;
  role: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/**
 * Creates a bearer token (`mf_` + 32 random bytes, base64url). Only its sha256 is stored;
 * the token itself is returned once.
 */
export async function createToken(store: StoreApi, o: { role: Role; name: string }, now = Date.now()): Promise<{ id: string; token: string }> {
  const r = role.parse(o.role);
  const name = z.string().min(1).max(64).parse(o.name);
  const token = `mf_${randomBytes(32).toString("base64url")}`;
  const id = randomUUID().slice(0, 8);
  await store.sql.run("INSERT INTO api_tokens (id, name, role, hash, created_at) VALUES ($1, $2, $3, $4, $5)", [id, name, r, hashOf(token), now]);
  return { id, token };
}

/** The token's id, name and role, or null when it is unknown or revoked. Compares hashes in constant time. */
export async function verifyToken(store: StoreApi, token: string): Promise<{ id: string; name: string; role: Role } | null> {
  if (!/^mf_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const h = hashOf(token);
  const [row] = await store.sql.query<TokenDbRow>("SELECT * FROM api_tokens WHERE hash = $1", [h]);
  if (!row || row.revoked_at !== null) return null;
  if (!timingSafeEqual(Buffer.from(row.hash, "hex"), Buffer.from(h, "hex"))) return null;
  const r = role.safeParse(row.role);
  return r.success ? { id: row.id, name: row.name, role: r.data } : null;
}

export async function listTokens(store: StoreApi): Promise<TokenInfo[]> {
  const rows = await store.sql.query<TokenDbRow>("SELECT * FROM api_tokens ORDER BY created_at, id");
  return rows.map((t) => ({ id: t.id, name: t.name, role: role.catch("viewer").parse(t.role), createdAt: t.created_at, lastUsedAt: t.last_used_at, revokedAt: t.revoked_at }));
}

/** Revokes a token by id; false when there is no such active token. */
export async function revokeToken(store: StoreApi, id: string, now = Date.now()): Promise<boolean> {
  return (await store.sql.run("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", [now, id])) > 0;
}

/** How many active tokens exist (serve warns when there are none). */
export async function activeTokenCount(store: StoreApi): Promise<number> {
  const [r] = await store.sql.query<{ n: number }>("SELECT count(*) AS n FROM api_tokens WHERE revoked_at IS NULL");
  return Number(r?.n ?? 0);
}
