import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { eq, isNull } from "drizzle-orm";
import { apiTokens } from "@meshfleet/migrations";
import { z } from "zod";
import type { Store } from "../store/index";

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

/**
 * Creates a bearer token (`mf_` + 32 random bytes, base64url). Only its sha256 is stored;
 * the token itself is returned once.
 */
export function createToken(store: Store, o: { role: Role; name: string }, now = Date.now()): { id: string; token: string } {
  const r = role.parse(o.role);
  const name = z.string().min(1).max(64).parse(o.name);
  const token = `mf_${randomBytes(32).toString("base64url")}`;
  const id = randomUUID().slice(0, 8);
  store.db.insert(apiTokens).values({ id, name, role: r, hash: hashOf(token), createdAt: now }).run();
  return { id, token };
}

/** The token's id, name and role, or null when it is unknown or revoked. Compares hashes in constant time. */
export function verifyToken(store: Store, token: string): { id: string; name: string; role: Role } | null {
  if (!/^mf_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const h = hashOf(token);
  const row = store.db.select().from(apiTokens).where(eq(apiTokens.hash, h)).get();
  if (!row || row.revokedAt !== null) return null;
  if (!timingSafeEqual(Buffer.from(row.hash, "hex"), Buffer.from(h, "hex"))) return null;
  const r = role.safeParse(row.role);
  return r.success ? { id: row.id, name: row.name, role: r.data } : null;
}

export function listTokens(store: Store): TokenInfo[] {
  return store.db
    .select()
    .from(apiTokens)
    .all()
    .map((t) => ({ id: t.id, name: t.name, role: role.catch("viewer").parse(t.role), createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt }));
}

/** Revokes a token by id; false when there is no such active token. */
export function revokeToken(store: Store, id: string, now = Date.now()): boolean {
  const row = store.db.select().from(apiTokens).where(eq(apiTokens.id, id)).get();
  if (!row || row.revokedAt !== null) return false;
  store.db.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, id)).run();
  return true;
}

/** How many active tokens exist (serve warns when there are none). */
export function activeTokenCount(store: Store): number {
  return store.db.select().from(apiTokens).where(isNull(apiTokens.revokedAt)).all().length;
}
