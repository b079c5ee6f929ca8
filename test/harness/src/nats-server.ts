import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createServer, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface NatsServerOptions {
  /** Fixed port; by default a free one is picked (and kept across restarts). */
  port?: number;
  /** Extra nats-server configuration text (e.g. authorization blocks). */
  config?: string;
  /** Keep JetStream on (default true). */
  jetstream?: boolean;
  /**
   * The whole configuration instead of the default one (a cluster member, a leaf node):
   * given the client port and a store dir of its own. `config` is ignored then.
   */
  fullConfig?: (o: { port: number; storeDir: string }) => string;
}

export interface RunningNatsServer {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  /** The running process's id (null while stopped): for CPU accounting in benchmarks. */
  readonly pid: number | null;
  /** Stops the server (SIGTERM, then SIGKILL); its store stays for restart(). */
  stop(): Promise<void>;
  /** Kills the server abruptly. */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same store. */
  restart(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void;
  /** Lets a paused process run again (SIGCONT). */
  resume(): void;
  /** Stops it and removes its temp dir. */
  dispose(): Promise<void>;
}

export function findNatsServerBinary(): string {
  for (const p of [process.env.NATS_SERVER_BIN, "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"]) {
    if (p && existsSync(p)) return p;
  }
  const which = spawnSync("sh", ["-c", "command -v nats-server"], { encoding: "utf8" });
  const found = which.stdout.trim();
  if (found) return found;
  throw new Error("nats-server binary not found: install it with `apt-get install -y nats-server` (or set NATS_SERVER_BIN)");
}

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect({ port, host: "127.0.0.1" });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** Starts a real nats-server (JetStream on, temp store dir, loopback only). */
export async function startNatsServer(opts: NatsServerOptions = {}): Promise<RunningNatsServer> {
  const bin = findNatsServerBinary();
  const dir = mkdtempSync(join(tmpdir(), "mf-nats-"));
  const storeDir = join(dir, "js");
  const port = opts.port ?? (await freePort());
  const confPath = join(dir, "nats.conf");
  const js = opts.jetstream ?? true;
  writeFileSync(
    confPath,
    opts.fullConfig
      ? opts.fullConfig({ port, storeDir })
      : [
          `listen: "127.0.0.1:${port}"`,
          js ? `jetstream { store_dir: "${storeDir}", max_memory_store: 256MB, max_file_store: 2GB }` : "",
          `max_payload: 2MB`,
          opts.config ?? "",
        ].join("\n"),
  );
  let child: ChildProcess | null = null;
  let stderr = "";

  const launch = async (): Promise<void> => {
    stderr = "";
    const c = spawn(bin, ["-c", confPath], { stdio: ["ignore", "ignore", "pipe"] });
    child = c;
    c.stderr?.on("data", (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (c.exitCode !== null) throw new Error(`nats-server exited with ${c.exitCode}: ${stderr}`);
      if (await portOpen(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    c.kill("SIGKILL");
    throw new Error(`nats-server did not listen on ${port} within 10 s: ${stderr}`);
  };

  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => c.kill("SIGKILL"), 5000);
      c.once("exit", () => {
        clearTimeout(t);
        resolve();
      });
      c.kill(signal);
      // A paused server gets the signal when it runs again.
      if (signal !== "SIGKILL") c.kill("SIGCONT");
    });
    child = null;
  };

  const signal = (sig: NodeJS.Signals): void => {
    const c: ChildProcess | null = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) throw new Error(`nats-server is not running (${sig})`);
    c.kill(sig);
  };

  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    get pid(): number | null {
      const c: ChildProcess | null = child;
      return c && c.exitCode === null && c.signalCode === null ? (c.pid ?? null) : null;
    },
    stop: () => halt("SIGTERM"),
    kill: () => halt("SIGKILL"),
    restart: async () => {
      await halt("SIGTERM");
      await launch();
    },
    pause: () => signal("SIGSTOP"),
    resume: () => signal("SIGCONT"),
    dispose: async () => {
      await halt("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
