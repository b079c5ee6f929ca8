import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Command } from "commander";
import { findNatsServerBinary, tempDir } from "@meshfleet/testkit";
import { clusterConfigs, leafConfig, type ClusterServer } from "./topology";
import { enroll, readKeys } from "./keys";
import { natsAccounts } from "./nats-config";
import { siteSecret } from "./site-secrets";
import { registerEnrollCommand } from "../cli/enroll-command";

/** nats-server -t: the real server parses the file and checks it. */
function serverAccepts(file: string): { ok: boolean; output: string } {
  const r = spawnSync(findNatsServerBinary(), ["-t", "-c", file], { encoding: "utf8" });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

const servers: ClusterServer[] = [
  { name: "n1", host: "10.0.0.1", clientPort: 4222, clusterPort: 6222, leafPort: 7422 },
  { name: "n2", host: "10.0.0.2", clientPort: 4222, clusterPort: 6222, leafPort: 7422 },
  { name: "n3", host: "10.0.0.3", clientPort: 4222, clusterPort: 6222 },
];

describe("nats-server topologies", () => {
  let dir: ReturnType<typeof tempDir> | null = null;
  afterEach(() => {
    dir?.cleanup();
    dir = null;
  });

  const withKeys = (): { keysDir: string; authorization: string } => {
    dir = tempDir("mf-topology-");
    const keysDir = join(dir.path, "keys");
    enroll(keysDir, "r1");
    enroll(keysDir, "r2");
    const k = readKeys(keysDir);
    return { keysDir, authorization: natsAccounts(k.nodes, k.controller) };
  };

  it("a 3-server cluster: routes to the two others, one domain, the same users on every member; nats-server accepts each", () => {
    const { authorization } = withKeys();
    const configs = clusterConfigs({ name: "hub", domain: "hub", storeDir: "/var/lib/nats/js", servers, leafUsers: [{ site: "site-a", password: "pw-a" }] }, authorization);
    expect(configs.map((c) => c.server)).toEqual(["n1", "n2", "n3"]);
    const routes = (text: string): string[] => [...text.matchAll(/"nats-route:\/\/([^"]+)"/g)].map((m) => m[1]!);
    expect(routes(configs[0]!.config)).toEqual(["10.0.0.2:6222", "10.0.0.3:6222"]);
    expect(routes(configs[2]!.config)).toEqual(["10.0.0.1:6222", "10.0.0.2:6222"]);
    for (const c of configs) {
      expect(c.config).toContain(`server_name: ${c.server}\n`);
      expect(c.config).toContain("domain: hub\n");
      expect(c.config).toContain(authorization);
      const file = join(dir!.path, `${c.server}.conf`);
      writeFileSync(file, c.config);
      expect(serverAccepts(file)).toMatchObject({ ok: true });
    }
    // Leaf ports only where given, with the sites' uplink users.
    expect(configs[0]!.config).toContain('listen: "10.0.0.1:7422"');
    expect(configs[0]!.config).toContain('{ user: "leaf-site-a", password: "pw-a" }');
    expect(configs[2]!.config).not.toContain("leafnodes");
    // One server: a single hub with its domain and leaf port, no cluster block.
    const [single] = clusterConfigs({ name: "hub", domain: "hub", storeDir: "/d", servers: [servers[0]!] }, authorization);
    expect(single!.config).not.toContain("cluster {");
    expect(single!.config).toContain("domain: hub\n");
    writeFileSync(join(dir!.path, "single.conf"), single!.config);
    expect(serverAccepts(join(dir!.path, "single.conf"))).toMatchObject({ ok: true });
  });

  it("a site leaf node: its own domain, the hub URLs with the uplink user, telemetry subjects kept off the uplink; nats-server accepts it", () => {
    const { authorization } = withKeys();
    const text = leafConfig({ site: "site-a", host: "192.168.1.1", port: 4222, storeDir: "/srv/nats", hubUrls: ["nats-leaf://10.0.0.1:7422", "nats-leaf://10.0.0.2:7422"], password: "p/w+1", maxFileStore: "2GB" }, authorization);
    expect(text).toContain("domain: site-a\n");
    expect(text).toContain("max_file_store: 2GB");
    expect(text).toContain('urls: ["nats-leaf://leaf-site-a:p%2Fw%2B1@10.0.0.1:7422", "nats-leaf://leaf-site-a:p%2Fw%2B1@10.0.0.2:7422"]');
    expect(text).toContain('deny_exports: ["mf.tel.*", "mf.hello.*", "mf.jobstatus.*"]');
    expect(text).toContain(authorization);
    const file = join(dir!.path, "leaf.conf");
    writeFileSync(file, text);
    expect(serverAccepts(file)).toMatchObject({ ok: true });
  });

  it("rejects what would make a broken or unsafe configuration", () => {
    const spec = { name: "hub", domain: "hub", storeDir: "/d", servers };
    expect(() => clusterConfigs({ ...spec, servers: servers.slice(0, 2) }, "")).toThrow(/at least 3 servers/);
    expect(() => clusterConfigs({ ...spec, servers: [] }, "")).toThrow(/at least 3 servers/);
    expect(() => clusterConfigs({ ...spec, servers: [...servers.slice(0, 2), { ...servers[2]!, name: "n1" }] }, "")).toThrow(/unique/);
    expect(() => clusterConfigs({ ...spec, domain: "a.b" }, "")).toThrow(/JetStream domain/);
    expect(() => clusterConfigs({ ...spec, servers: [...servers.slice(0, 2), { ...servers[2]!, host: 'x" }' }] }, "")).toThrow(/invalid host/);
    expect(() => clusterConfigs({ ...spec, servers: [...servers.slice(0, 2), { ...servers[2]!, clusterPort: 70000 }] }, "")).toThrow(/invalid port/);
    expect(() => clusterConfigs({ ...spec, storeDir: 'a"b' }, "")).toThrow(/store dir/);
    expect(() => clusterConfigs({ ...spec, leafUsers: [{ site: "s", password: "" }] }, "")).toThrow(/empty uplink password/);
    const leaf = { site: "s1", host: "0.0.0.0", port: 4222, storeDir: "/d", hubUrls: ["nats-leaf://h:7422"], password: "x" };
    expect(() => leafConfig({ ...leaf, hubUrls: [] }, "")).toThrow(/hub leaf URL/);
    expect(() => leafConfig({ ...leaf, hubUrls: ["nats://h:4222"] }, "")).toThrow(/nats-leaf:\/\/HOST:PORT/);
    expect(() => leafConfig({ ...leaf, site: "a b" }, "")).toThrow(/site/);
    expect(() => leafConfig({ ...leaf, maxFileStore: "lots" }, "")).toThrow(/size/);
  });

  it("the nats-config command writes the members' files and a leaf's file (0600), the hub admitting the site made first", async () => {
    const { keysDir } = withKeys();
    const lines: string[] = [];
    const run = (args: string[]): Promise<unknown> => {
      const program = new Command().exitOverride();
      registerEnrollCommand(program, (l) => lines.push(l));
      return program.parseAsync(["node", "x", ...args]);
    };
    const leafFile = join(dir!.path, "leaf.conf");
    await run(["nats-config", "--keys", keysDir, "--leaf", "site-a", "--listen", "127.0.0.1:4333", "--hub", "nats-leaf://10.0.0.1:7422", "--out", leafFile]);
    expect(statSync(leafFile).mode & 0o777).toBe(0o600);
    const password = siteSecret(keysDir, "site-a").password;
    expect(readFileSync(leafFile, "utf8")).toContain(`leaf-site-a:${encodeURIComponent(password)}@10.0.0.1:7422`);
    expect(readFileSync(leafFile, "utf8")).toContain("account: MESHFLEET\n");
    expect(lines.join("\n")).not.toContain(password);

    const outDir = join(dir!.path, "hub");
    await run(["nats-config", "--keys", keysDir, "--cluster", "hub", "--server", "n1=10.0.0.1:4222:6222:7422", "--server", "n2=10.0.0.2:4222:6222:7422", "--server", "n3=10.0.0.3:4222:6222:7422", "--store-dir", "/srv/js", "--out", outDir]);
    expect(readdirSync(outDir).sort()).toEqual(["n1.conf", "n2.conf", "n3.conf"]);
    for (const f of readdirSync(outDir)) {
      const text = readFileSync(join(outDir, f), "utf8");
      // the site's uplink binds to the controller's account, the only one with JetStream
      expect(text).toContain(`{ user: "leaf-site-a", password: ${JSON.stringify(password)}, account: MESHFLEET }`);
      expect(serverAccepts(join(outDir, f))).toMatchObject({ ok: true });
    }
    expect(lines.join("\n")).toContain("sites admitted: site-a");
    await expect(run(["nats-config", "--keys", keysDir, "--cluster", "hub", "--server", "n1=h:1", "--out", outDir])).rejects.toThrow(/NAME=HOST:CLIENT_PORT:CLUSTER_PORT/);
  });
});
