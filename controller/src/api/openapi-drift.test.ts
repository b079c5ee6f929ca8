import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { FakeClock, openStore, type Store } from "../store/index";
import { silentLogger } from "../log";
import { Registry } from "../metrics/registry";
import type { ApiDeps } from "../http/deps";
import { modules } from "../serve";
import { createApi } from "./app";
import { openApiDocument } from "./openapi";

/** The API's paths (the dashboard's static pages at / are not API). */
const isApi = (path: string): boolean => path.startsWith("/api/") || path === "/healthz" || path === "/metrics";

describe("OpenAPI document against the mounted routes", () => {
  let store: Store | null = null;
  let dir: ReturnType<typeof tempDir> | null = null;
  afterEach(() => {
    store?.close();
    dir?.cleanup();
  });

  it("documents every API route (/api, /healthz, /metrics) of the controller as serve builds it, and nothing that is not mounted", () => {
    dir = tempDir("mf-openapi-");
    const clock = new FakeClock(1_800_000_000_000);
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    const deps: ApiDeps = { store, clock, log: silentLogger, registry: new Registry(), auth: "tokens" };
    deps.routes = modules().flatMap((m) => (m.routes ? [m.routes(deps)] : []));
    const app = createApi(deps);
    const mounted = new Set(
      app.routes
        .filter((r) => isApi(r.path) && r.method !== "ALL" && !r.path.endsWith("*"))
        .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, "{$1}")}`),
    );
    const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    expect([...mounted].filter((r) => !documented.has(r)).sort(), "mounted but not documented").toEqual([]);
    expect([...documented].filter((r) => !mounted.has(r)).sort(), "documented but not mounted").toEqual([]);
    expect(mounted.size).toBeGreaterThan(30);
  });
});
