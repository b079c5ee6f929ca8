import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";
import { alertsQuery, eventsQuery } from "../detect/http-routes";

type Doc = { paths: Record<string, Record<string, { parameters?: { name: string }[]; requestBody?: { content: Record<string, { schema: { properties?: object } }> } }>> };

describe("OpenAPI document", () => {
  const doc = openApiDocument() as unknown as Doc;

  it("documents the detection and job routes next to the core ones", () => {
    for (const p of ["/api/nodes", "/api/topology", "/api/events", "/api/alerts", "/api/alerts/{id}", "/api/convergence", "/api/churn", "/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/cancel", "/api/jobs/{id}/resume"]) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(Object.keys(doc.paths["/api/jobs"]!).sort()).toEqual(["get", "post"]);
  });

  it("documents the admin routes, the token body from the route's own schema", () => {
    expect(Object.keys(doc.paths["/api/admin/tokens"]!).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/api/admin/tokens/{id}"]!)).toEqual(["delete"]);
    expect(Object.keys(doc.paths["/api/admin/enrollments/{node}"]!)).toEqual(["post", "delete"]);
    const props = Object.keys(doc.paths["/api/admin/tokens"]!.post!.requestBody!.content["application/json"]!.schema.properties ?? {});
    expect(props).toEqual(["name", "role"]);
  });

  it("takes query parameters from the routes' own zod schemas", () => {
    expect(doc.paths["/api/events"]!.get!.parameters!.map((p) => p.name)).toEqual(Object.keys(eventsQuery.shape));
    expect(doc.paths["/api/alerts"]!.get!.parameters!.map((p) => p.name)).toEqual(Object.keys(alertsQuery.shape));
  });

  it("documents the diagnostics routes, the request body from the route's own schema", () => {
    expect(Object.keys(doc.paths["/api/diag/{id}"]!)).toEqual(["post"]);
    expect(doc.paths["/api/diag/audit"]!.get!.parameters!.map((p) => p.name)).toEqual(["node", "limit"]);
    expect(doc.paths["/api/diag/commands"]!.get).toBeDefined();
    const props = Object.keys(doc.paths["/api/diag/{id}"]!.post!.requestBody!.content["application/json"]!.schema.properties ?? {});
    expect(props).toEqual(["args", "deadlineMs"]);
  });

  it("describes the job request body", () => {
    const props = Object.keys(doc.paths["/api/jobs"]!.post!.requestBody!.content["application/json"]!.schema.properties ?? {});
    expect(props).toEqual(expect.arrayContaining(["template", "params", "target", "rollout", "verify"]));
  });
});
