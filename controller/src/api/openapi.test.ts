import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { FakeClock, openStore, type Store } from "../store/index";
import { silentLogger } from "../log";
import { Registry } from "../metrics/registry";
import type { ApiDeps } from "../http/deps";
import { writeBatch } from "../ingest/writer";
import { buildHello, buildSnapshot } from "../../testing";
import { modules } from "../serve";
import { listOf, lists, namesAnswer, nodeDetail, nodeSummary } from "../nodes/schemas";
import { netjsonGraph } from "../topology/schemas";
import { eventsQuery } from "../detect/http-routes";
import { TEMPLATE_NAMES } from "../jobs/templates/index";
import { createApi, openApiDocument } from "./app";

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; required?: string[]; enum?: unknown[]; anyOf?: Schema[]; oneOf?: Schema[] };
type Op = {
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
type Doc = { openapi: string; paths: Record<string, Record<string, Op>> };

const T0 = 1_800_000_000_000;
/** The API's paths (the dashboard's static pages at / are not API). */
const isApi = (path: string): boolean => path.startsWith("/api/") || path === "/healthz" || path === "/metrics";

describe("OpenAPI document generated from the routes", () => {
  let store: Store;
  let dir: ReturnType<typeof tempDir>;
  /** The API as `serve` builds it (every module, tokens required). */
  let served: ReturnType<typeof createApi>;
  /** The same without tokens, for requests. */
  let open: ReturnType<typeof createApi>;
  let doc: Doc;
  const op = (path: string, method: string): Op => {
    const o = doc.paths[path]?.[method];
    if (!o) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
    return o;
  };
  const jsonOf = (o: Op, status: number): Schema => o.responses[String(status)]!.content!["application/json"]!.schema;

  beforeAll(async () => {
    dir = tempDir("mf-openapi-");
    const clock = new FakeClock(T0);
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    const deps = (auth: "tokens" | "off"): ApiDeps => {
      const d: ApiDeps = { store, clock, log: silentLogger, registry: new Registry(), auth };
      d.routes = modules().flatMap((m) => (m.routes ? [m.routes(d)] : []));
      return d;
    };
    served = createApi(deps("tokens"));
    open = createApi(deps("off"));
    doc = (await openApiDocument(served)) as unknown as Doc;
    await writeBatch(store, [{ kind: "hello", msg: buildHello({ node: "ap-a", ts: T0, macs: ["02:00:00:00:0a:01"] }) }], T0);
    await writeBatch(store, [{ kind: "snapshot", msg: buildSnapshot({ node: "ap-a", seq: 1, ts: T0, peers: ["02:00:00:00:0b:01"], profile: { stations: 2 } }) }], T0);
  });
  afterAll(() => {
    store.close();
    dir.cleanup();
  });

  it("documents every route the app serves with its method, and nothing it does not serve", () => {
    const mounted = new Set(
      served.routes.filter((r) => isApi(r.path) && r.method !== "ALL" && !r.path.endsWith("*")).map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, "{$1}")}`),
    );
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    expect([...mounted].filter((r) => !documented.has(r)).sort(), "served but not documented").toEqual([]);
    expect([...documented].filter((r) => !mounted.has(r)).sort(), "documented but not served").toEqual([]);
    expect(mounted.size).toBe(46);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("declares every path parameter, required", () => {
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, o] of Object.entries(ops)) {
        for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)) {
          const p = o.parameters?.find((x) => x.in === "path" && x.name === name);
          if (!p?.required || !["string", "integer"].includes(String(p.schema?.type))) missing.push(`${method} ${path} ${name}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(op("/api/alerts/{id}", "get").parameters![0]!.schema!.type).toBe("integer");
    expect(op("/api/nodes/{id}", "get").parameters![0]!.schema).toMatchObject({ type: "string", pattern: "^[a-z0-9][a-z0-9_-]{0,62}$" });
  });

  it("gives the node routes' answers from the wire schemas: a route has `reachable`, a boolean", () => {
    const routes = op("/api/nodes/{id}/routes", "get");
    const item = jsonOf(routes, 200).properties!.items!.items!;
    expect(item.properties!.reachable!.type).toBe("boolean");
    expect(item.required).toEqual(expect.arrayContaining(["prefix", "via", "iface", "nextHops", "reachable"]));
    expect(routes.parameters!.find((p) => p.name === "all")).toMatchObject({ in: "query", schema: { enum: ["0", "1", "true", "false"] } });
    expect(Object.keys(jsonOf(op("/api/nodes/{id}/stations", "get"), 200).properties!.items!.items!.properties!)).toEqual(expect.arrayContaining(["mac", "signalDbm", "meshPlink", "node"]));
    expect(jsonOf(op("/api/topology", "get"), 200).properties!.type!.enum ?? [(jsonOf(op("/api/topology", "get"), 200).properties!.type as { const?: string }).const]).toEqual(["NetworkGraph"]);
  });

  it("takes request bodies and query parameters from the schemas the routes validate with", () => {
    const create = op("/api/jobs", "post");
    const body = create.requestBody!.content["application/json"]!.schema;
    expect(create.requestBody!.required).toBe(true);
    expect(body.required).toEqual(expect.arrayContaining(["template", "target"]));
    expect(body.properties!.template!.enum).toEqual([...TEMPLATE_NAMES]);
    expect(jsonOf(create, 400).required).toEqual(["code", "message", "issues"]);
    expect(create.parameters!.map((p) => p.name)).toEqual(["dryRun"]);
    expect(op("/api/events", "get").parameters!.map((p) => p.name)).toEqual(Object.keys(eventsQuery.shape));
    expect(op("/api/diag/audit", "get").parameters!.map((p) => p.name)).toEqual(["node", "limit"]);
    expect(Object.keys(op("/api/diag/{id}", "post").requestBody!.content["application/json"]!.schema.properties!)).toEqual(["args", "deadlineMs"]);
    expect(Object.keys(op("/api/admin/tokens", "post").requestBody!.content["application/json"]!.schema.properties!)).toEqual(["name", "role"]);
    expect(op("/api/nodes/{id}/series", "get").parameters!.filter((p) => p.required).map((p) => p.name)).toEqual(["id", "metric"]);
  });

  it("answers every error with {code, message} and no answer with a bare object", () => {
    const errors: string[] = [];
    const bare: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, o] of Object.entries(ops)) {
        for (const [status, r] of Object.entries(o.responses)) {
          const s = r.content?.["application/json"]?.schema;
          // /healthz answers 503 with the health body (which check failed), not an error
          if (Number(status) >= 400 && !(path === "/healthz" && status === "503") && !(s?.required?.includes("code") && s.required.includes("message"))) errors.push(`${method} ${path} ${status}`);
          if (s && path !== "/api/openapi.json" && !s.properties && !s.anyOf && !s.oneOf) bare.push(`${method} ${path} ${status}`);
        }
      }
    }
    expect(errors).toEqual([]);
    expect(bare).toEqual([]);
    expect(Object.keys(jsonOf(op("/healthz", "get"), 503).properties!)).toEqual(["status", "checks"]);
    // The routes with an error answer: 4xx documented on most of them.
    expect(Object.values(doc.paths).flatMap((ops) => Object.values(ops)).filter((o) => Object.keys(o.responses).some((s) => s.startsWith("4"))).length).toBeGreaterThan(30);
  });

  it("serves the document at /api/openapi.json", async () => {
    const r = await open.request("/api/openapi.json");
    expect(r.status).toBe(200);
    const served = (await r.json()) as Doc;
    expect(Object.keys(served.paths).sort()).toEqual(Object.keys(doc.paths).sort());
  });

  it("answers what the document says: the node routes' bodies parse with their declared schemas", async () => {
    const get = async (path: string) => {
      const r = await open.request(path);
      expect(r.status, path).toBe(200);
      return r.json();
    };
    const nodes = ((await get("/api/nodes")) as { nodes: unknown[] }).nodes;
    expect(nodeSummary.array().parse(nodes).map((n) => n.id)).toEqual(["ap-a"]);
    expect(nodeDetail.parse(await get("/api/nodes/ap-a")).latest?.stations.length).toBe(2);
    for (const name of Object.keys(lists) as (keyof typeof lists)[]) {
      const body = listOf(lists[name]).strict().parse(await get(`/api/nodes/ap-a/${name}${name === "routes" ? "?all=1" : ""}`));
      expect(body.node).toBe("ap-a");
    }
    expect(namesAnswer.parse(await get("/api/names")).macs).toEqual({ "02:00:00:00:0a:01": "ap-a" });
    expect(netjsonGraph.parse(await get("/api/topology")).nodes.map((n) => n.id)).toContain("ap-a");
  });

  it("answers a request the validator refuses with the project's error body, not the validator's", async () => {
    const refusals: [string, RequestInit | undefined, string][] = [
      ["/api/nodes/Not_A_Node!/routes", undefined, "invalid path parameters: id: "],
      ["/api/nodes/ap-a/routes?all=maybe", undefined, "invalid query parameters: all: "],
      ["/api/events?limit=0", undefined, "invalid query parameters: limit: "],
      ["/api/admin/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "ops", role: "root" }) }, "invalid body: role: "],
      ["/api/admin/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" }, "the request body is not JSON"],
      ["/api/alerts/silences", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ reason: "x", node: "ap-a", extra: 1 }) }, "invalid body: (root): "],
    ];
    for (const [path, init, message] of refusals) {
      const r = await open.request(path, init);
      const body = (await r.json()) as Record<string, unknown>;
      expect([path, r.status, Object.keys(body).sort(), body.code], path).toEqual([path, 400, ["code", "message"], "E_VALIDATION"]);
      expect(String(body.message), path).toContain(message);
    }
  });
});
