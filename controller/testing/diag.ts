import type { Hono } from "hono";
import { connect, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { startNatsServer, tempDir } from "@meshfleet/testkit";
import { diagRequest, PROTOCOL_VERSION, subjects, type DiagRequest } from "@meshfleet/shared";
import type { Controller } from "../src/controller";
import { createApi } from "../src/api/app";
import { diagModule } from "../src/diag/module";
import type { ApiDeps } from "../src/http/deps";
import { silentLogger } from "../src/log";
import { Registry } from "../src/metrics/registry";
import { openStore, type FakeClock, type Store, type StoreApi } from "../src/store/index";

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * A node's diagnostics side on a real broker, driven by the test: it records each
 * request it receives (in arrival order) and answers only when told to, so a test can
 * hold one request open (the node is busy) and release it later.
 */
export class FakeDiagNode {
  readonly requests: DiagRequest[] = [];
  #sub: Subscription;
  #waiters: (() => void)[] = [];

  constructor(
    private readonly nc: NatsConnection,
    readonly node: string,
  ) {
    this.#sub = nc.subscribe(subjects.diag(node), {
      callback: (_err, m) => {
        this.requests.push(diagRequest.parse(JSON.parse(dec.decode(m.data))));
        for (const w of this.#waiters.splice(0)) w();
      },
    });
  }

  /** Resolves once `n` requests have arrived (none is dropped: the broker keeps their order). */
  async received(n: number): Promise<DiagRequest> {
    while (this.requests.length < n) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.requests[n - 1]!;
  }

  /** Answers a request as an agent does: accepted with its argv, one output chunk, done with the exit code. */
  answer(req: DiagRequest, argv: string[], text: string, exitCode = 0): void {
    const send = (seq: number, m: Record<string, unknown>) =>
      this.nc.publish(subjects.diagOutput(this.node), enc.encode(JSON.stringify({ type: "diagout", v: PROTOCOL_VERSION, id: req.id, node: this.node, seq, ...m })));
    send(0, { state: "accepted", argv });
    send(1, { state: "output", text });
    send(2, { state: "done", exitCode });
  }

  async flush(): Promise<void> {
    await this.nc.flush();
  }

  close(): void {
    this.#sub.unsubscribe();
  }
}

/**
 * The API with the diagnostics module, bearer tokens on (unless `auth` is off), over `store` and `clock`; the
 * module is started on `nc` unless `nc` is null (not connected to the broker yet).
 */
export function diagApi(o: { store: StoreApi; clock: FakeClock; nc: NatsConnection | null; auth?: "tokens" | "off" }): Hono {
  const module = diagModule();
  const deps: ApiDeps = { store: o.store, clock: o.clock, log: silentLogger, registry: new Registry(), auth: o.auth ?? "tokens" };
  deps.routes = [module.routes!(deps)];
  const app = createApi(deps);
  if (o.nc) void module.start!({ nc: o.nc, store: o.store } as unknown as Controller);
  return app;
}

export interface DiagFixture {
  store: Store;
  /** The API (diagnostics module started on the controller's own connection). */
  app: Hono;
  /** Node r1's diagnostics side, on a connection of its own. */
  r1: FakeDiagNode;
  dispose(): Promise<void>;
}

/**
 * A real nats-server (no JetStream), a SQLite store in a temp dir (`seed` fills it
 * before the API starts), the diagnostics API on one connection and node r1 on another.
 */
export async function startDiagFixture(o: { clock: FakeClock; seed: (store: Store) => Promise<void>; auth?: "tokens" | "off" }): Promise<DiagFixture> {
  const srv = await startNatsServer({ jetstream: false });
  const nc = await connect({ servers: srv.url });
  const nodeNc = await connect({ servers: srv.url });
  const dir = tempDir("mf-diag-");
  const store = openStore({ file: `${dir.path}/c.sqlite`, clock: o.clock });
  await o.seed(store);
  const app = diagApi({ store, clock: o.clock, nc, ...(o.auth ? { auth: o.auth } : {}) });
  const r1 = new FakeDiagNode(nodeNc, "r1");
  await nodeNc.flush();
  return {
    store,
    app,
    r1,
    async dispose() {
      r1.close();
      await nc.close();
      await nodeNc.close();
      store.close();
      dir.cleanup();
      await srv.dispose();
    },
  };
}
