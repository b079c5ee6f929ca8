import { isValidNodeId, subjects } from "@meshfleet/shared";

export interface NodeKey {
  node: string;
  /** The node's nkey public key (U…). */
  publicKey: string;
}

/** The subjects a node may publish and subscribe to: its own, nothing broader. */
export function nodePermissions(node: string): { publish: string[]; subscribe: string[] } {
  if (!isValidNodeId(node)) throw new Error(`invalid node id ${JSON.stringify(node)}`);
  return {
    publish: [subjects.telemetry(node), subjects.hello(node), subjects.jobStatus(node), subjects.diagOutput(node)],
    subscribe: [subjects.job(node), subjects.diag(node), `_INBOX_${node}.>`],
  };
}

const q = (s: string) => JSON.stringify(s);

/**
 * The `authorization` block of a nats-server configuration: one nkey user per enrolled
 * node, allowed to publish only its telemetry / hello / job status and to receive only
 * its jobs and the replies on its own inbox (JetStream publish acks); plus the
 * controller's user, which runs the stream, the consumer and job delivery.
 */
export function natsAuthorization(nodes: readonly NodeKey[], controllerPublicKey: string): string {
  const users = [...nodes]
    .sort((a, b) => a.node.localeCompare(b.node))
    .map((n) => {
      const p = nodePermissions(n.node);
      if (!/^U[A-Z2-7]{55}$/.test(n.publicKey)) throw new Error(`invalid nkey for ${n.node}`);
      return `    # node ${n.node}\n    { nkey: ${q(n.publicKey)}, permissions: { publish: { allow: [${p.publish.map(q).join(", ")}] }, subscribe: { allow: [${p.subscribe.map(q).join(", ")}] } } }`;
    });
  users.push(`    # the controller\n    { nkey: ${q(controllerPublicKey)}, permissions: { publish: { allow: [">"] }, subscribe: { allow: [">"] } } }`);
  return `authorization {\n  users = [\n${users.join(",\n")}\n  ]\n}\n`;
}
