import type { Context, MiddlewareHandler } from "hono";
import { ERROR_CODES } from "@meshfleet/shared";
import type { StoreApi } from "../store/index";
import { roleAllows, verifyToken, type Role } from "./tokens";

/** The role a request needs: /api/admin/* is for admins whatever the method; reads are for viewers, jobs and alert acknowledgements/silences for operators, everything else for admins. */
export function requiredRole(method: string, path: string): Role {
  if (/^\/api\/admin(\/|$)/.test(path)) return "admin";
  if (method === "GET" || method === "HEAD") return "viewer";
  if (method === "POST" && /^\/api\/(jobs|diag)(\/|$)/.test(path)) return "operator";
  // Acknowledging alerts and silencing them is the operator's daily work.
  if ((method === "POST" || method === "DELETE") && /^\/api\/alerts\/(silences(\/\d+)?|\d+\/ack)$/.test(path)) return "operator";
  return "admin";
}

function bearer(c: Context): string | null {
  const h = c.req.header("authorization");
  if (h) {
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    return m ? (m[1] as string) : null;
  }
  // EventSource cannot send headers: the live stream alone accepts ?token=.
  if (c.req.method === "GET" && c.req.path === "/api/live") return c.req.query("token") ?? null;
  return null;
}

/**
 * Bearer-token access control for `/api/*` and `/metrics`: 401 without a valid token,
 * 403 when its role is too low. Tokens are looked up by their hash, never logged.
 */
export function requireToken(store: StoreApi): MiddlewareHandler {
  return async (c, next) => {
    const token = bearer(c);
    const who = token ? await verifyToken(store, token) : null;
    if (!who) return c.json({ code: ERROR_CODES.unauthorized, message: "a valid bearer token is required (Authorization: Bearer <token>)" }, 401);
    const need = requiredRole(c.req.method, c.req.path);
    if (!roleAllows(who.role, need)) return c.json({ code: ERROR_CODES.forbidden, message: `this needs the ${need} role; the token has ${who.role}` }, 403);
    // Who asked, for audits (diagnostics) and actors (acks, silences): the token's id, name and role, never the token.
    c.set("who" as never, { name: `token:${who.id}`, token: who.name, role: who.role } as never);
    await next();
  };
}
