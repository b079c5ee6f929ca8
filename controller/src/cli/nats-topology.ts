import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { ConfigError } from "@meshfleet/shared";
import type { ClusterServer } from "../enroll/index";
import { parseListen } from "./options";

/**
 * `nats-config --cluster` / `--leaf`: whole nats-server configurations for the hub's
 * cluster members and for a site's leaf node, each carrying the same authorization.
 */
export interface TopologyFlags {
  keys: string;
  out: string;
  cluster?: string;
  server?: string[];
  domain: string;
  storeDir: string;
  leaf?: string;
  listen: string;
  hub?: string[];
  maxFileStore?: string;
  account?: string;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export function addTopologyOptions(cmd: Command): Command {
  return cmd
    .option("--cluster <name>", "write one whole configuration per cluster member into the --out directory (<server>.conf)")
    .option("--server <name=host:client:cluster[:leaf]>", "a cluster member (repeat; at least 3); with :leaf it accepts site leaf nodes", collect)
    .option("--domain <name>", "the hub's JetStream domain", "hub")
    .option("--store-dir <dir>", "JetStream store directory", "/var/lib/nats/jetstream")
    .option("--leaf <site>", "write a site leaf node's whole configuration to --out (the site name is its JetStream domain)")
    .option("--listen <host:port>", "leaf node: where the site's agents connect", "0.0.0.0:4222")
    .option("--hub <url>", "leaf node: a hub member's leaf URL nats-leaf://host:port (repeat)", collect)
    .option("--max-file-store <size>", "JetStream file store limit (e.g. 2GB on a site's Pi)")
    .option("--account <name>", "the account meshfleet's users live in, when the authorization defines accounts");
}

/** `n1=10.0.0.1:4222:6222:7422` -> a cluster member. */
export function parseServer(text: string): ClusterServer {
  const m = /^([^=]+)=(\[[0-9a-fA-F:]+\]|[^:]+):(\d+):(\d+)(?::(\d+))?$/.exec(text.trim());
  if (!m) throw new ConfigError(`--server: expected NAME=HOST:CLIENT_PORT:CLUSTER_PORT[:LEAF_PORT], got ${JSON.stringify(text)}`);
  return { name: m[1]!, host: m[2]!.replace(/^\[|\]$/g, ""), clientPort: Number(m[3]), clusterPort: Number(m[4]), ...(m[5] ? { leafPort: Number(m[5]) } : {}) };
}

/** Writes the cluster or leaf configurations when asked; false when neither flag is given. */
export async function writeTopology(o: TopologyFlags, authorization: string, out: (line: string) => void): Promise<boolean> {
  if (o.cluster !== undefined && o.leaf !== undefined) throw new ConfigError("--cluster and --leaf: one at a time");
  const { clusterConfigs, leafConfig, siteSecret, siteSecrets } = await import("../enroll/index");
  const account = o.account === undefined ? {} : { account: o.account };
  const maxFileStore = o.maxFileStore === undefined ? {} : { maxFileStore: o.maxFileStore };
  if (o.cluster !== undefined) {
    const sites = siteSecrets(o.keys);
    const configs = clusterConfigs({ name: o.cluster, domain: o.domain, storeDir: o.storeDir, servers: (o.server ?? []).map(parseServer), leafUsers: sites, ...account, ...maxFileStore }, authorization);
    mkdirSync(o.out, { recursive: true });
    for (const c of configs) writeFileSync(join(o.out, `${c.server}.conf`), c.config, { mode: 0o600 });
    out(`wrote ${configs.length} server configuration(s) to ${o.out}: ${configs.map((c) => `${c.server}.conf`).join(", ")}; sites admitted: ${sites.map((s) => s.site).join(", ") || "none"}`);
    return true;
  }
  if (o.leaf !== undefined) {
    const secret = siteSecret(o.keys, o.leaf);
    const listen = parseListen(o.listen);
    writeFileSync(o.out, leafConfig({ site: o.leaf, host: listen.host, port: listen.port, storeDir: o.storeDir, hubUrls: o.hub ?? [], password: secret.password, ...account, ...maxFileStore }, authorization), { mode: 0o600 });
    out(`wrote ${o.out} (leaf node of site ${o.leaf}, JetStream domain ${o.leaf}; mode 0600: it holds the uplink password)`);
    if (secret.created) out(`new site: regenerate the hub's configuration (nats-config --cluster ...) so it admits ${o.leaf}, and start the controller with --sites ${o.leaf}`);
    return true;
  }
  return false;
}
