import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { ERROR_CODES, MeshfleetError, isValidNodeId } from "@meshfleet/shared";
import { createToken, listTokens, revokeToken, role } from "../auth/tokens";
import { applyBrokerConfig, enroll, nodeKeys, revoke, type BrokerTarget } from "../enroll/index";
import { notFound } from "../http/errors";
import { error, json, valid } from "../http/openapi";
import type { ApiDeps } from "../http/deps";

export const createTokenBody = z.strictObject({ name: z.string().trim().min(1).max(64), role });
const tokenParams = z.object({ id: z.string().regex(/^[0-9a-f]{8}$/, "invalid token id") });
const nodeParams = z.object({ node: z.string().refine(isValidNodeId, "invalid node id") });

const ms = z.number().int();
const tokensAnswer = z.object({ tokens: z.array(z.object({ id: z.string(), name: z.string(), role, createdAt: ms, lastUsedAt: ms.nullable(), revokedAt: ms.nullable() })) });
const createdToken = z.object({ id: z.string(), name: z.string(), role, token: z.string().describe("the bearer token: shown in this answer only") });
const enrolled = z.object({
  node: z.string(),
  publicKey: z.string(),
  seedFile: z.string().describe("where the seed was written (never the seed)"),
  rotated: z.boolean(),
  brokerReloaded: z.boolean(),
  next: z.string().describe("what to do next"),
});
const enrollRevoked = z.object({ node: z.string(), revoked: z.literal(true), brokerReloaded: z.boolean(), next: z.string().optional() });
const notAdmin = error("not an admin token");
const noKeys = error("no keys directory configured");
const brokerFailed = error("written, but nats-server could not be signalled");

export interface AdminOptions {
  /** The keys directory (`serve --keys`): enrollment through the API needs it. */
  keysDir?: string;
  /**
   * The broker's accounts file and pid file (`serve --nats-config --nats-pid-file`): with
   * them, enrolling, rotating and revoking rewrite the file and reload nats-server.
   */
  broker?: BrokerTarget;
}

/**
 * `/admin/*` (admin role for every method): API tokens (list without secrets, create —
 * the token is shown once, in that response only — and revoke) and node enrollment
 * (a new or rotated nkey; the response names the seed file, never its content).
 */
export function adminRoutes(deps: ApiDeps, o: AdminOptions): Hono {
  const app = new Hono();
  const { store, clock } = deps;

  const list = describeRoute({ summary: "API tokens (admin): id, name, role, created/last used/revoked; never the token or its hash", responses: { 200: json("tokens", tokensAnswer), 403: notAdmin } });
  app.get("/admin/tokens", list, async (c) => c.json({ tokens: await listTokens(store) }));

  const create = describeRoute({
    summary: "Create an API token (admin); the token is in this response only",
    responses: { 201: json("id, name, role, token", createdToken), 400: error("invalid body"), 403: notAdmin },
  });
  app.post("/admin/tokens", create, valid("json", createTokenBody), async (c) => {
    const body = c.req.valid("json");
    const t = await createToken(store, body, clock.now());
    deps.log.info({ id: t.id, role: body.role, name: body.name }, "API token created");
    return c.json({ id: t.id, name: body.name, role: body.role, token: t.token }, 201);
  });

  const revokeDoc = describeRoute({
    summary: "Revoke an API token (admin)",
    responses: { 200: json("revoked", z.object({ id: z.string(), revoked: z.literal(true) })), 400: error("invalid token id"), 403: notAdmin, 404: error("no such active token") },
  });
  app.delete("/admin/tokens/:id", revokeDoc, valid("param", tokenParams), async (c) => {
    const { id } = c.req.valid("param");
    if (!(await revokeToken(store, id, clock.now()))) throw notFound(`active token ${id}`);
    deps.log.info({ id }, "API token revoked");
    return c.json({ id, revoked: true });
  });

  const keysDir = (): string => {
    if (!o.keysDir) throw new MeshfleetError(ERROR_CODES.conflict, "enrollment through the API needs the controller started with --keys DIR");
    return o.keysDir;
  };

  const enrollments = describeRoute({
    summary: "Enrolled nodes and their NATS public keys (admin; needs serve --keys)",
    responses: { 200: json("nodes", z.object({ nodes: z.array(z.object({ node: z.string(), publicKey: z.string() })) })), 403: notAdmin, 409: noKeys },
  });
  app.get("/admin/enrollments", enrollments, (c) => {
    return c.json({ nodes: nodeKeys(keysDir()) });
  });

  /** Rewrites the broker's accounts file and reloads it when configured; what happened, for the answer. */
  const reloadBroker = async (dir: string): Promise<{ reloaded: boolean }> => {
    if (!o.broker) return { reloaded: false };
    const r = await applyBrokerConfig(dir, o.broker);
    deps.log.info({ configFile: o.broker.configFile, pid: r.pid, nodes: r.nodes }, "broker configuration rewritten and reloaded");
    return { reloaded: true };
  };
  const NEXT_MANUAL = "regenerate the nats-server configuration (meshfleet-controller nats-config) and reload nats-server";

  const enrollDoc = describeRoute({
    summary: "Enroll a node or rotate its nkey (admin; needs serve --keys; with --nats-config and --nats-pid-file the broker is reloaded): the answer names the seed file, never the seed",
    responses: { 201: json("enrolled", enrolled), 200: json("rotated", enrolled), 400: error("invalid node id"), 403: notAdmin, 409: noKeys, 502: brokerFailed },
  });
  app.post("/admin/enrollments/:node", enrollDoc, valid("param", nodeParams), async (c) => {
    const { node } = c.req.valid("param");
    const dir = keysDir();
    const rotated = nodeKeys(dir).some((n) => n.node === node);
    const r = enroll(dir, node);
    deps.log.info({ node, publicKey: r.publicKey, rotated }, rotated ? "node key rotated" : "node enrolled");
    const { reloaded } = await reloadBroker(dir);
    const next = `copy the seed file to the router (mode 0600) and restart its agent${reloaded ? "" : `; ${NEXT_MANUAL}`}`;
    return c.json({ node, publicKey: r.publicKey, seedFile: r.seedFile, rotated, brokerReloaded: reloaded, next }, rotated ? 200 : 201);
  });

  const revokeNode = describeRoute({
    summary: "Revoke a node's nkey (admin; needs serve --keys; with --nats-config and --nats-pid-file the broker is reloaded and the node disconnected)",
    responses: { 200: json("revoked", enrollRevoked), 400: error("invalid node id"), 403: notAdmin, 404: error("not enrolled"), 409: noKeys, 502: brokerFailed },
  });
  app.delete("/admin/enrollments/:node", revokeNode, valid("param", nodeParams), async (c) => {
    const { node } = c.req.valid("param");
    const dir = keysDir();
    if (!revoke(dir, node)) throw notFound(`enrolled node ${node}`);
    deps.log.warn({ node }, "node key revoked");
    const { reloaded } = await reloadBroker(dir);
    return c.json({ node, revoked: true, brokerReloaded: reloaded, ...(reloaded ? {} : { next: NEXT_MANUAL }) });
  });

  return app;
}
