import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTelemetryStream, freePort, startNatsServer, tempDir, waitFor } from "@meshfleet/testkit";
import { repoRoot } from "../controller-helpers";

/**
 * The controller as docs/install.md installs it: `npm pack` of the workspace, then
 * `npm install --omit=dev <tarball>` into an empty project (npm builds better-sqlite3 from
 * source here: minutes, not seconds), then the installed bin: no TypeScript loader, no dev
 * dependency, no workspace package but the controller's own bundle.
 */
const work = tempDir("mf-install-");
const app = join(work.path, "app");
const bin = join(app, "node_modules", ".bin", "meshfleet-controller");
const npm = (args: string[], cwd: string) => spawnSync("npm", args, { cwd, encoding: "utf8", timeout: 15 * 60_000, env: { ...process.env, npm_config_update_notifier: "false" } });

beforeAll(() => {
  const pack = npm(["pack", "-w", "@meshfleet/controller", "--pack-destination", work.path, "--silent"], repoRoot);
  expect(pack.status, pack.stderr).toBe(0);
  const tarball = readdirSync(work.path).find((f) => f.endsWith(".tgz"));
  expect(tarball).toBeDefined();
  spawnSync("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), '{ "private": true, "allowScripts": { "better-sqlite3": true } }\n');
  const install = npm(["install", "--omit=dev", "--no-audit", "--no-fund", join(work.path, tarball!)], app);
  expect(install.status, install.stderr.slice(-2000)).toBe(0);
}, 20 * 60_000);

afterAll(() => work.cleanup());

describe("the packed controller, installed with npm install --omit=dev", () => {
  it("holds built JavaScript only: no TypeScript loader, no dev tool, no workspace package besides itself", () => {
    const modules = readdirSync(join(app, "node_modules"));
    for (const dev of ["tsx", "typescript", "vitest", "esbuild", "drizzle-kit", "turbo"]) expect(modules, dev).not.toContain(dev);
    expect(readdirSync(join(app, "node_modules", "@meshfleet"))).toEqual(["controller"]);
    expect(existsSync(join(app, "node_modules", "@meshfleet", "controller", "dist", "lib", "meshfleet-controller.mjs"))).toBe(true);
    const help = spawnSync(bin, ["--help"], { encoding: "utf8", timeout: 60_000 });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain("Usage: meshfleet-controller");
  });

  it("serves: migrates a new database, answers /healthz, and an API call with a token made by its own CLI", async () => {
    const srv = await startNatsServer();
    try {
      await createTelemetryStream(srv.url);
      const db = join(work.path, "meshfleet.db");
      const token = spawnSync(bin, ["token", "create", "--db", db, "--role", "viewer", "--name", "install-test"], { encoding: "utf8", timeout: 60_000 });
      expect(token.status, token.stderr).toBe(0);
      const secret = /: (mf_[A-Za-z0-9_-]{43})$/m.exec(token.stdout)?.[1];
      expect(secret, token.stdout).toBeDefined();
      const port = await freePort();
      const proc = spawn(bin, ["serve", "--db", db, "--nats", srv.url, "--listen", `127.0.0.1:${port}`], { stdio: "ignore" });
      try {
        const health = await waitFor(async () => {
          const r = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
          return r?.ok ? ((await r.json()) as { status: string }) : null;
        }, { timeoutMs: 60_000 });
        expect(health.status).toBe("ok");
        const nodes = await fetch(`http://127.0.0.1:${port}/api/nodes`, { headers: { authorization: `Bearer ${secret!}` } });
        expect(nodes.status).toBe(200);
        expect(await nodes.json()).toEqual({ nodes: [] });
        expect((await fetch(`http://127.0.0.1:${port}/api/nodes`)).status).toBe(401);
      } finally {
        proc.kill("SIGTERM");
      }
    } finally {
      await srv.dispose();
    }
  });
});
