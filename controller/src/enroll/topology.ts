import { ConfigError, TELEMETRY_STREAM_SUBJECTS } from "@meshfleet/shared";

/**
 * Whole nats-server configurations for fleets that outgrow one server: a JetStream
 * cluster (the hub) and site leaf nodes. Each composes the server's own blocks (listen,
 * cluster, jetstream with its domain, leafnodes) with the authorization text from
 * `natsAccounts` (the same per-node users on every server, hub and leaf alike), so
 * isolation is defined once and every topology carries it.
 */

/** Server, cluster, site and account names: one NATS token, no dots, no wildcards. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
/** Host names and addresses (IPv6 without brackets). */
const HOST = /^[A-Za-z0-9.:_-]{1,253}$/;

/** Messages up to MAX_MESSAGE_BYTES plus headers; the stream's max_msg_size is twice that. */
const MAX_PAYLOAD = "2MB";

export interface ClusterServer {
  /** server_name, unique in the cluster. */
  name: string;
  host: string;
  clientPort: number;
  /** Route port (cluster block). */
  clusterPort: number;
  /** Port for site leaf nodes (leafnodes block); none: no leaf node may connect here. */
  leafPort?: number;
  /** Overrides the cluster's storeDir (several servers on one machine). */
  storeDir?: string;
}

export interface LeafUser {
  /** Site name (also its JetStream domain). */
  site: string;
  /** The site's uplink password (from its secret file; never logged). */
  password: string;
}

export interface ClusterSpec {
  /** Cluster name, shared by every server. */
  name: string;
  /** JetStream domain of the hub (every server the same). */
  domain: string;
  storeDir: string;
  servers: readonly ClusterServer[];
  /** Leaf users: the sites allowed to connect on the leaf ports. */
  leafUsers?: readonly LeafUser[];
  /** The account the meshfleet users live in when the authorization text defines accounts. */
  account?: string;
  /** JetStream file store limit per server (e.g. "50GB"). */
  maxFileStore?: string;
}

export interface LeafSpec {
  /** Site name, also the leaf's JetStream domain. */
  site: string;
  /** Where the site's agents connect. */
  host: string;
  port: number;
  storeDir: string;
  /** The hub servers' leaf URLs, `nats-leaf://host:port` (the site's password is added). */
  hubUrls: readonly string[];
  password: string;
  account?: string;
  /** JetStream file store limit on the leaf (a Pi's card: e.g. "2GB"). */
  maxFileStore?: string;
}

const q = (s: string): string => JSON.stringify(s);

function name(value: string, what: string): string {
  if (!NAME.test(value)) throw new ConfigError(`${what}: expected letters, digits, - or _ (1-32, no dots), got ${q(value)}`);
  return value;
}

function host(value: string, what: string): string {
  if (!HOST.test(value)) throw new ConfigError(`${what}: invalid host ${q(value)}`);
  return value;
}

function port(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new ConfigError(`${what}: invalid port ${String(value)}`);
  return value;
}

function hostPort(h: string, p: number, what: string): string {
  host(h, what);
  port(p, what);
  return h.includes(":") ? `[${h}]:${p}` : `${h}:${p}`;
}

function size(value: string | undefined, what: string): string | undefined {
  if (value !== undefined && !/^\d+(K|M|G|T)?B?$/i.test(value)) throw new ConfigError(`${what}: expected a size such as 2GB, got ${q(value)}`);
  return value;
}

function jetstreamBlock(storeDir: string, domain: string, maxFileStore?: string): string {
  if (!storeDir || /["\n\\]/.test(storeDir)) throw new ConfigError(`store dir: invalid path ${q(storeDir)}`);
  const limit = size(maxFileStore, "max file store");
  return `jetstream {\n  store_dir: ${q(storeDir)}\n  domain: ${name(domain, "JetStream domain")}${limit ? `\n  max_file_store: ${limit}` : ""}\n}\n`;
}

/**
 * One configuration per server of a JetStream cluster: routes to every other server, the
 * same JetStream domain, the same authorization; with leaf ports, the sites' uplink users.
 * With one server, a single hub server (its domain and leaf port, no cluster block).
 */
export function clusterConfigs(spec: ClusterSpec, authorization: string): { server: string; config: string }[] {
  name(spec.name, "cluster name");
  if (spec.servers.length === 2 || spec.servers.length === 0) throw new ConfigError(`a JetStream cluster needs at least 3 servers (a quorum survives one loss), or 1 for a single hub server; got ${spec.servers.length}`);
  const names = spec.servers.map((s) => name(s.name, "server name"));
  if (new Set(names).size !== names.length) throw new ConfigError("server names must be unique");
  const account = spec.account === undefined ? undefined : name(spec.account, "account");
  const sites = (spec.leafUsers ?? []).map((u) => ({ site: name(u.site, "site"), password: u.password }));
  for (const u of sites) if (!u.password) throw new ConfigError(`site ${u.site}: empty uplink password`);
  return spec.servers.map((s) => {
    const routes = spec.servers.filter((o) => o !== s).map((o) => q(`nats-route://${hostPort(o.host, o.clusterPort, `server ${o.name}`)}`));
    const parts = [
      `# meshfleet hub: server ${s.name} of cluster ${spec.name} (generated by meshfleet-controller nats-config)\n`,
      `server_name: ${s.name}\nlisten: ${q(hostPort(s.host, s.clientPort, `server ${s.name}`))}\nmax_payload: ${MAX_PAYLOAD}\n`,
      jetstreamBlock(s.storeDir ?? spec.storeDir, spec.domain, spec.maxFileStore),
    ];
    // One server: a single hub (JetStream domain, leaf port) without a cluster block.
    if (routes.length > 0) parts.push(`cluster {\n  name: ${spec.name}\n  listen: ${q(hostPort(s.host, s.clusterPort, `server ${s.name}`))}\n  routes: [\n${routes.map((r) => `    ${r}`).join("\n")}\n  ]\n}\n`);
    if (s.leafPort !== undefined) {
      const users = sites.map((u) => `      { user: ${q(`leaf-${u.site}`)}, password: ${q(u.password)}${account ? `, account: ${account}` : ""} }`);
      parts.push(
        `leafnodes {\n  listen: ${q(hostPort(s.host, s.leafPort, `server ${s.name}`))}\n  authorization {\n    users = [\n${users.join(",\n")}\n    ]\n  }\n}\n`,
      );
    }
    parts.push(authorization);
    return { server: s.name, config: parts.join("\n") };
  });
}

/**
 * A site's leaf node: the site's agents connect here (same per-node users); its own
 * JetStream domain stores their telemetry while the uplink is down (the hub's stream
 * sources the site stream); the uplink does not carry the telemetry subjects themselves
 * (the hub would store them twice, directly and through the source), but carries
 * everything else: jobs to the agents, the hub's JetStream API calls into this domain,
 * the sourced messages.
 */
export function leafConfig(spec: LeafSpec, authorization: string): string {
  const site = name(spec.site, "site");
  if (spec.hubUrls.length === 0) throw new ConfigError("a leaf node needs at least one hub leaf URL");
  if (!spec.password) throw new ConfigError(`site ${site}: empty uplink password`);
  const urls = spec.hubUrls.map((u) => {
    const m = /^nats-leaf:\/\/([^/@:]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(u);
    if (!m) throw new ConfigError(`hub URL: expected nats-leaf://HOST:PORT, got ${q(u)}`);
    port(Number(m[2]), `hub URL ${u}`);
    return q(`nats-leaf://${encodeURIComponent(`leaf-${site}`)}:${encodeURIComponent(spec.password)}@${m[1]!}:${m[2]!}`);
  });
  const account = spec.account === undefined ? "" : `\n    account: ${name(spec.account, "account")}`;
  return [
    `# meshfleet site leaf node ${site} (generated by meshfleet-controller nats-config): keep this file 0600, it holds the uplink password\n`,
    `server_name: ${q(`leaf-${site}`)}\nlisten: ${q(hostPort(spec.host, spec.port, "leaf listen"))}\nmax_payload: ${MAX_PAYLOAD}\n`,
    jetstreamBlock(spec.storeDir, site, spec.maxFileStore),
    `leafnodes {\n  remotes: [\n    {\n    urls: [${urls.join(", ")}]${account}\n    deny_exports: [${TELEMETRY_STREAM_SUBJECTS.map(q).join(", ")}]\n    }\n  ]\n}\n`,
    authorization,
  ].join("\n");
}
