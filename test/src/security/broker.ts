import { createUser, type KeyPair } from "@nats-io/nkeys";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { startNatsServer, tempDir, type RunningNatsServer } from "@meshfleet/testkit";
import { FakeClock, Ingest, RecordingLogger, Registry, ingestMetrics, openStore, type IngestOptions, type Store } from "@meshfleet/controller";
import { natsAccounts, nodeInboxPrefix } from "@meshfleet/controller/enroll";

export interface Broker {
  srv: RunningNatsServer;
  config: string;
  controller: NatsConnection;
  keys: Map<string, KeyPair>;
  store: Store;
  /** The controller's ingest, stream and consumer created (not started). */
  ingest: Ingest;
  asNode(node: string): Promise<NatsConnection>;
  dispose(): Promise<void>;
}

/**
 * A real nats-server running the configuration `nats-config` generates for `nodes`, the
 * controller connected with its key and its ingest's stream and consumer created.
 * `permissionLists: false` strips the per-user permission lists from the node users, to
 * show that the account layout alone keeps a node inside its account.
 */
export async function startBroker(nodes: readonly string[], opts: { permissionLists?: boolean; ingest?: Partial<IngestOptions>; partitions?: number } = {}): Promise<Broker> {
  const keys = new Map(nodes.map((n) => [n, createUser()] as const));
  const ctl = createUser();
  let config = natsAccounts([...keys].map(([node, kp]) => ({ node, publicKey: kp.getPublicKey() })), ctl.getPublicKey(), opts.partitions === undefined ? {} : { partitions: opts.partitions });
  if (opts.permissionLists === false) {
    for (const kp of keys.values()) config = config.replace(new RegExp(`(\\{ nkey: "${kp.getPublicKey()}"), permissions: \\{[^\\n]*\\} \\} \\}`), "$1 }");
    if (config.split("\n").filter((l) => l.includes("permissions")).length !== 1) throw new Error("permission lists not stripped");
  }
  const srv = await startNatsServer({ config });
  const controller = await connect({ servers: srv.url, authenticator: nkeyAuthenticator(ctl.getSeed()) });
  const dir = tempDir("mf-broker-");
  const store = openStore({ file: `${dir.path}/c.sqlite`, clock: new FakeClock(1_800_000_000_000) });
  const ingest = new Ingest({ nc: controller, store, clock: store.clock, log: new RecordingLogger(), metrics: ingestMetrics(new Registry()), ...opts.ingest });
  await ingest.ensureStream();
  const opened: NatsConnection[] = [];
  return {
    srv,
    config,
    controller,
    keys,
    store,
    ingest,
    asNode: async (node) => {
      const kp = keys.get(node);
      if (!kp) throw new Error(`no key for ${node}`);
      const nc = await connect({ servers: srv.url, authenticator: nkeyAuthenticator(kp.getSeed()), inboxPrefix: nodeInboxPrefix(node) });
      opened.push(nc);
      return nc;
    },
    dispose: async () => {
      await ingest.stop();
      for (const nc of opened) await nc.close().catch(() => undefined);
      await controller.close();
      store.close();
      await srv.dispose();
      dir.cleanup();
    },
  };
}

/** Every JetStream API subject of nats-server 2.9 (and the ack/flow-control subjects), aimed at the telemetry stream and the controller's consumer. */
export function jetStreamApiSubjects(stream: string, consumer: string): string[] {
  const s = stream;
  const c = consumer;
  return [
    "$JS.API.INFO",
    `$JS.API.STREAM.CREATE.${s}`,
    `$JS.API.STREAM.UPDATE.${s}`,
    "$JS.API.STREAM.NAMES",
    "$JS.API.STREAM.LIST",
    `$JS.API.STREAM.INFO.${s}`,
    `$JS.API.STREAM.DELETE.${s}`,
    `$JS.API.STREAM.PURGE.${s}`,
    `$JS.API.STREAM.SNAPSHOT.${s}`,
    `$JS.API.STREAM.RESTORE.${s}`,
    `$JS.API.STREAM.MSG.DELETE.${s}`,
    `$JS.API.STREAM.MSG.GET.${s}`,
    `$JS.API.DIRECT.GET.${s}`,
    `$JS.API.DIRECT.GET.${s}.mf.tel.nb`,
    `$JS.API.STREAM.PEER.REMOVE.${s}`,
    `$JS.API.STREAM.LEADER.STEPDOWN.${s}`,
    `$JS.API.STREAM.TEMPLATE.CREATE.T`,
    "$JS.API.STREAM.TEMPLATE.NAMES",
    `$JS.API.STREAM.TEMPLATE.INFO.T`,
    `$JS.API.STREAM.TEMPLATE.DELETE.T`,
    `$JS.API.CONSUMER.CREATE.${s}`,
    `$JS.API.CONSUMER.CREATE.${s}.${c}.mf.tel.nb`,
    `$JS.API.CONSUMER.DURABLE.CREATE.${s}.${c}`,
    `$JS.API.CONSUMER.DURABLE.CREATE.${s}.spy`,
    `$JS.API.CONSUMER.NAMES.${s}`,
    `$JS.API.CONSUMER.LIST.${s}`,
    `$JS.API.CONSUMER.INFO.${s}.${c}`,
    `$JS.API.CONSUMER.DELETE.${s}.${c}`,
    `$JS.API.CONSUMER.MSG.NEXT.${s}.${c}`,
    `$JS.API.CONSUMER.LEADER.STEPDOWN.${s}.${c}`,
    "$JS.API.SERVER.REMOVE",
    "$JS.API.META.LEADER.STEPDOWN",
    "$JS.API.ACCOUNT.PURGE.MESHFLEET",
    `$JS.ACK.${s}.${c}.1.1.1.1700000000000000000.0`,
    `$JS.ACK.${s}.${c}.1.2.2.1700000000000000000.0`,
    `$JS.FC.${s}.x.y`,
    `$JS.SNAPSHOT.ACK.${s}.x`,
  ];
}
