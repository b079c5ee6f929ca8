import { isValidNodeId, partitioned, subjects } from "@meshfleet/shared";
import { partitionOf } from "../cluster/partition-of";

export interface NodeKey {
  node: string;
  /** The node's nkey public key (U…). */
  publicKey: string;
}

/** The account that holds the controller and the telemetry stream (the only one with JetStream). */
export const FLEET_ACCOUNT = "MESHFLEET";

/** The account a node is alone in. */
export function nodeAccount(node: string): string {
  if (!isValidNodeId(node)) throw new Error(`invalid node id ${JSON.stringify(node)}`);
  return `NODE_${node}`;
}

/** The node's reply inbox prefix (the agent connects with it; JetStream acks arrive there). */
export const nodeInboxPrefix = (node: string): string => `_INBOX_${node}`;

/** The subjects a node may publish and subscribe to: its own, nothing broader. */
export function nodePermissions(node: string): { publish: string[]; subscribe: string[] } {
  if (!isValidNodeId(node)) throw new Error(`invalid node id ${JSON.stringify(node)}`);
  return {
    publish: [subjects.telemetry(node), subjects.hello(node), subjects.jobStatus(node), subjects.diagOutput(node)],
    subscribe: [subjects.job(node), subjects.diag(node), `${nodeInboxPrefix(node)}.>`],
  };
}

const q = (s: string) => JSON.stringify(s);
const list = (xs: readonly string[]) => `[${xs.map(q).join(", ")}]`;

function checkKey(what: string, key: string): void {
  if (!/^U[A-Z2-7]{55}$/.test(key)) throw new Error(`invalid nkey for ${what}`);
}

/**
 * The `accounts` block of a nats-server configuration (nats-server 2.9+). Isolation is
 * by construction, not by permission lists alone:
 *
 * - `MESHFLEET` holds the controller (full rights in its account) and, being the only
 *   account with JetStream, the telemetry stream and its API.
 * - Each node is alone in its own account `NODE_<node>` without JetStream. Into it,
 *   MESHFLEET exports (to that account only) the services `mf.tel|hello|jobstatus.<node>`
 *   and the stream `mf.job.<node>`. A node's publish crosses into MESHFLEET only through
 *   its own service imports, and the server replaces its reply subject with a fresh
 *   `_R_.…` one there; the stream's acknowledgement is mapped back into the node's own
 *   account. Whatever reply subject a node picks (`$JS.API.STREAM.PURGE.…`, `mf.job.<other>`,
 *   `_INBOX_<other>.…`), the acknowledgement lands in its own account, where there is no
 *   JetStream API and no other node.
 * - Within its account the node's user is further limited to publishing its three
 *   subjects and receiving its jobs and its inbox (defence in depth).
 *
 * With `partitions` (several controllers, `serve --cluster-partitions`): a node's
 * telemetry and hellos cross into MESHFLEET under its partition's subject
 * (`mf.p.<partition>.tel.<node>`, the partition nats-server's `partition()` mapping would
 * give), the node still publishing `mf.tel.<node>` (its import's local name).
 */
export function natsAccounts(nodes: readonly NodeKey[], controllerPublicKey: string, opts: { partitions?: number } = {}): string {
  checkKey("the controller", controllerPublicKey);
  const sorted = [...nodes].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  const exportBlocks: string[] = [];
  const accounts: string[] = [];
  for (const n of sorted) {
    checkKey(n.node, n.publicKey);
    const acct = nodeAccount(n.node);
    const p = nodePermissions(n.node);
    // node -> controller (diagnostic output too), each only from this node's account
    const services = [subjects.telemetry(n.node), subjects.hello(n.node), subjects.jobStatus(n.node), subjects.diagOutput(n.node)];
    // The subject each service has in MESHFLEET (partitioned telemetry and hellos with several controllers).
    const part = opts.partitions === undefined ? null : partitionOf(n.node, opts.partitions);
    const inFleet = (local: string): string => (part === null ? local : local === subjects.telemetry(n.node) ? partitioned.telemetry(part, n.node) : local === subjects.hello(n.node) ? partitioned.hello(part, n.node) : local);
    // controller -> node: its jobs and diagnostic requests
    const toNode = [subjects.job(n.node), subjects.diag(n.node)];
    const sink = subjects.jetStreamSink(n.node);
    const exportsOf = [
      ...services.map((s) => `{ service: ${q(inFleet(s))}, accounts: [${q(acct)}] }`),
      ...toNode.map((t) => `{ stream: ${q(t)}, accounts: [${q(acct)}] }`),
      `{ service: ${q(sink)}, accounts: [${q(acct)}] }`,
    ];
    exportBlocks.push(`      # node ${n.node}\n${exportsOf.map((e) => `      ${e}`).join(",\n")}`);
    const imports = [
      ...services.map((s) => (inFleet(s) === s ? `{ service: { account: ${q(FLEET_ACCOUNT)}, subject: ${q(s)} } }` : `{ service: { account: ${q(FLEET_ACCOUNT)}, subject: ${q(inFleet(s))} }, to: ${q(s)} }`)),
      ...toNode.map((t) => `{ stream: { account: ${q(FLEET_ACCOUNT)}, subject: ${q(t)} } }`),
      // Shadows the JetStream API import nats-server gives every account: 2.9 serves
      // e.g. $JS.API.ACCOUNT.PURGE.<any account> to any account that can reach it.
      `{ service: { account: ${q(FLEET_ACCOUNT)}, subject: ${q(sink)} }, to: "$JS.API.>" }`,
    ];
    accounts.push(
      [
        `  # node ${n.node}: alone in its account, no JetStream`,
        `  ${q(acct)}: {`,
        `    users: [`,
        `      { nkey: ${q(n.publicKey)}, permissions: { publish: { allow: ${list(p.publish)} }, subscribe: { allow: ${list(p.subscribe)} } } }`,
        `    ]`,
        `    imports: [`,
        imports.map((i) => `      ${i}`).join(",\n"),
        `    ]`,
        `  }`,
      ].join("\n"),
    );
  }
  const fleet = [
    `  # the controller and the telemetry stream`,
    `  ${q(FLEET_ACCOUNT)}: {`,
    `    jetstream: enabled`,
    `    users: [`,
    `      { nkey: ${q(controllerPublicKey)}, permissions: { publish: { allow: [">"] }, subscribe: { allow: [">"] } } }`,
    `    ]`,
    ...(exportBlocks.length > 0 ? [`    exports: [`, exportBlocks.join(",\n"), `    ]`] : []),
    `  }`,
  ];
  return `# generated by meshfleet-controller nats-config: one account per node\naccounts {\n${[fleet.join("\n"), ...accounts].join("\n")}\n}\n`;
}
