import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { waitFor } from "@meshfleet/testkit";

export const repoRoot = join(import.meta.dirname, "..", "..");

/**
 * The controller as users run it: the bin over the built JavaScript (controller/dist,
 * rebuilt once per test run by the global setup, test/src/build-setup.ts).
 */
export const controllerCli: readonly string[] = [join(repoRoot, "controller/bin/meshfleet-controller.mjs")];

export interface ControllerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** GET on the API with the admin token created for this controller. */
  get: (path: string) => Promise<Response>;
  /** Any method on the API with the admin token; a body is sent as JSON. */
  request: (method: string, path: string, body?: unknown) => Promise<Response>;
}

/** Creates an API token through the real CLI (`meshfleet-controller token create`) and returns it. */
export function createTokenViaCli(db: string, role: "viewer" | "operator" | "admin"): string {
  const r = spawnSync(process.execPath, [...controllerCli, "token", "create", "--db", db, "--role", role, "--name", "test"], { cwd: repoRoot, encoding: "utf8" });
  const m = /: (mf_[A-Za-z0-9_-]{43})$/m.exec(r.stdout);
  if (r.status !== 0 || !m) throw new Error(`token create failed (${r.status}): ${r.stdout}${r.stderr}`);
  return m[1] as string;
}

/**
 * Spawns the built `meshfleet-controller serve ...` and waits for its API (a 1 s commit
 * window and a held transaction committed every 2 s: tests wait for what they publish, and
 * read the database file through other connections).
 */
export async function spawnController(db: string, nats: string, port: number, extraArgs: readonly string[] = []): Promise<ControllerProcess> {
  let out = "";
  const token = createTokenViaCli(db, "admin");
  const child = spawn(process.execPath, [...controllerCli, "serve", "--db", db, "--nats", nats, "--listen", `127.0.0.1:${port}`, "--log-level", "warn", "--ack-wait", "3s", "--commit-window", "1s", "--durable-every", "2s", ...extraArgs], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (b: Buffer) => (out = (out + b.toString()).slice(-8000)));
  child.stderr?.on("data", (b: Buffer) => (out = (out + b.toString()).slice(-8000)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`controller exited with ${child.exitCode}: ${out}`);
      const r = await fetch(`${url}/healthz`).catch(() => null);
      return r?.status === 200;
    },
    { timeoutMs: 90_000, what: "controller API", intervalMs: 100 },
  );
  const auth = { authorization: `Bearer ${token}` };
  return {
    child,
    url,
    output: () => out,
    get: (path) => fetch(`${url}${path}`, { headers: auth }),
    request: (method, path, body) =>
      fetch(`${url}${path}`, { method, headers: body === undefined ? auth : { ...auth, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
  };
}

export async function killHard(p: ControllerProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    p.child.once("exit", () => resolve());
    p.child.kill("SIGKILL");
  });
}

export async function stopGracefully(p: ControllerProcess): Promise<number | null> {
  if (p.child.exitCode !== null) return p.child.exitCode;
  return new Promise((resolve) => {
    const t = setTimeout(() => p.child.kill("SIGKILL"), 10_000);
    p.child.once("exit", (code) => {
      clearTimeout(t);
      resolve(code);
    });
    p.child.kill("SIGTERM");
  });
}

/** Reads one counter of the Prometheus text. */
export function metricValue(text: string, line: string): number {
  const l = text.split("\n").find((x) => x.startsWith(`${line} `));
  return l ? Number(l.slice(line.length + 1)) : 0;
}
