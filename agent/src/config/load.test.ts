import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ERROR_CODES } from "@meshfleet/shared";
import { loadConfig, parseDuration } from "./load";
import { buildRunner } from "./runner";

const dir = mkdtempSync(join(tmpdir(), "mf-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function failure(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("reads a JSON-with-comments file, fills defaults, and lets env then flags override", () => {
    const p = file(
      "agent.json",
      `{
        // the router in the attic
        "nodeId": "attic",
        "nats": { "servers": ["nats://controller.lan:4222"], "user": "attic" },
        "intervalMs": 15000,
        "runner": { "type": "prefixed", "prefix": ["ip", "netns", "exec", "r1"], "programs": { "birdc": ["birdc", "-s", "/run/r1.ctl"] } },
      }`,
    );
    const a = loadConfig({ config: p }, {});
    expect(a.config).toMatchObject({ nodeId: "attic", intervalMs: 15000, bufferSize: 360, routing: "auto", logLevel: "info", tags: [] });
    expect(a.config.runner).toEqual({ type: "prefixed", prefix: ["ip", "netns", "exec", "r1"], programs: { birdc: ["birdc", "-s", "/run/r1.ctl"] } });
    const b = loadConfig({ config: p, interval: "2s", bufferSize: "50" }, { MESHFLEET_NODE_ID: "cellar", MESHFLEET_NATS_URL: "nats://a:4222,nats://b:4222", MESHFLEET_NATS_PASSWORD: "pw" });
    expect(b.config.nodeId).toBe("cellar");
    expect(b.config.nats?.servers).toEqual(["nats://a:4222", "nats://b:4222"]);
    expect(b.config.intervalMs).toBe(2000);
    expect(b.config.bufferSize).toBe(50);
    expect(b.password).toBe("pw");
    expect(JSON.stringify(b.config)).not.toContain("pw\"");
    expect(loadConfig({ config: p, nodeId: "flag-wins" }, { MESHFLEET_NODE_ID: "env" }).config.nodeId).toBe("flag-wins");
  });

  it("builds an ssh runner from flags", () => {
    const { config } = loadConfig({ nodeId: "r7", sshHost: "192.168.1.7", sshPort: "2222", sshKey: "/etc/meshfleet/id" }, {});
    expect(config.runner).toEqual({ type: "ssh", host: "192.168.1.7", port: 2222, identityFile: "/etc/meshfleet/id" });
    const built = buildRunner(config.runner, 3000);
    expect(built.mode).toBe("ssh");
    expect(built.runner.description).toBe("ssh root@192.168.1.7:2222");
  });

  it("names the field of a bad value", () => {
    const e = failure(() => loadConfig({ nodeId: "r1", interval: "50" }, {}));
    expect(e.code).toBe(ERROR_CODES.config);
    expect(e.message).toMatch(/^config: intervalMs: /);
    expect(failure(() => loadConfig({ nodeId: "Bad Node" }, {})).message).toMatch(/^config: nodeId: node id must be/);
    expect(failure(() => loadConfig({ nodeId: "r1", nats: "http://x" }, {})).message).toMatch(/^config: nats\.servers\.0: /);
    expect(failure(() => loadConfig({ config: file("pw.json", '{"nodeId":"r1","nats":{"servers":["nats://x:4222"],"password":"p"}}') }, {})).message).toMatch(
      /config: nats: Unrecognized key.*password/,
    );
    expect(failure(() => loadConfig({ config: file("broken.json", '{"nodeId": ') }, {})).message).toMatch(/config file .*broken\.json: /);
    expect(failure(() => loadConfig({ config: join(dir, "missing.json") }, {})).message).toMatch(/ENOENT/);
  });

  it("reads durations", () => {
    expect(parseDuration("10s", "x")).toBe(10_000);
    expect(parseDuration("250ms", "x")).toBe(250);
    expect(parseDuration("1.5m", "x")).toBe(90_000);
    expect(parseDuration("700", "x")).toBe(700);
    expect(() => parseDuration("soon", "intervalMs")).toThrow(/intervalMs: not a duration/);
  });
});
