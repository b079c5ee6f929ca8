import { Hono } from "hono";
import { z } from "zod";
import { ERROR_CODES, MeshfleetError, isValidNodeId } from "@meshfleet/shared";
import { createToken, listTokens, revokeToken, role } from "../auth/tokens";
import { applyBrokerConfig, enroll, nodeKeys, revoke, type BrokerTarget } from "../enroll/index";
import { jsonBody, notFound, params, validate } from "../http/errors";
import type { ApiDeps } from "../http/deps";

export const createTokenBody = z.strictObject({ name: z.string().trim().min(1).max(64), role });
const tokenParams = z.object({ id: z.string().regex(/^[0-9a-f]{8}$/, "invalid token id") });
const nodeParams = z.object({ node: z.string().refine(isValidNodeId, "invalid node id") });

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

  app.get("/admin/tokens", async (c) => c.json({ tokens: await listTokens(store) }));

  app.post("/admin/tokens", async (c) => {
    const body = validate(createTokenBody, await jsonBody(c), "token");
    const t = await createToken(store, body, clock.now());
    deps.log.info({ id: t.id, role: body.role, name: body.name }, "API token created");
    return c.json({ id: t.id, name: body.name, role: body.role, token: t.token }, 201);
  });

  app.delete("/admin/tokens/:id", async (c) => {
    const { id } = params(c, tokenParams);
    if (!(await revokeToken(store, id, clock.now()))) throw notFound(`active token ${id}`);
    deps.log.info({ id }, "API token revoked");
    return c.json({ id, revoked: true });
  });

  const keysDir = (): string => {
    if (!o.keysDir) throw new MeshfleetError(ERROR_CODES.conflict, "enrollment through the API needs the controller started with --keys DIR");
    return o.keysDir;
  };

  app.get("/admin/enrollments", (c) => {
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

  app.post("/admin/enrollments/:node", async (c) => {
    const { node } = params(c, nodeParams);
    const dir = keysDir();
    const rotated = nodeKeys(dir).some((n) => n.node === node);
    const r = enroll(dir, node);
    deps.log.info({ node, publicKey: r.publicKey, rotated }, rotated ? "node key rotated" : "node enrolled");
    const { reloaded } = await reloadBroker(dir);
    const next = `copy the seed file to the router (mode 0600) and restart its agent${reloaded ? "" : `; ${NEXT_MANUAL}`}`;
    return c.json({ node, publicKey: r.publicKey, seedFile: r.seedFile, rotated, brokerReloaded: reloaded, next }, rotated ? 200 : 201);
  });

  app.delete("/admin/enrollments/:node", async (c) => {
    const { node } = params(c, nodeParams);
    const dir = keysDir();
    if (!revoke(dir, node)) throw notFound(`enrolled node ${node}`);
    deps.log.warn({ node }, "node key revoked");
    const { reloaded } = await reloadBroker(dir);
    return c.json({ node, revoked: true, brokerReloaded: reloaded, ...(reloaded ? {} : { next: NEXT_MANUAL }) });
  });

  return app;
}
