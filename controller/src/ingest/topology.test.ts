import { describe, expect, it } from "vitest";
import { parseReplicas, parseServers } from "../cli/options";
import { siteSources, streamReplicas } from "./topology";

describe("telemetry stream topology settings", () => {
  it("replicas: auto follows the server's cluster membership; explicit 1-5", () => {
    expect(streamReplicas("auto", { info: { cluster: "hub" } as never })).toBe(3);
    expect(streamReplicas("auto", { info: {} as never })).toBe(1);
    expect(streamReplicas("auto", { info: undefined })).toBe(1);
    expect(streamReplicas(5, { info: undefined })).toBe(5);
    expect(() => streamReplicas(0, { info: undefined })).toThrow(/1 to 5/);
    expect(parseReplicas("auto")).toBe("auto");
    expect(parseReplicas("3")).toBe(3);
    expect(() => parseReplicas("6")).toThrow(/--stream-replicas/);
    expect(() => parseReplicas("two")).toThrow(/--stream-replicas/);
  });

  it("servers: a comma-separated list", () => {
    expect(parseServers("nats://a:4222, nats://b:4222,nats://c:4222")).toEqual(["nats://a:4222", "nats://b:4222", "nats://c:4222"]);
    expect(parseServers("nats://a:4222")).toEqual(["nats://a:4222"]);
    expect(() => parseServers(" , ")).toThrow(/--nats/);
  });

  it("site sources: the site stream in each site's domain, sorted; bad or repeated names refused", () => {
    expect(siteSources(["site-b", "site-a"])).toEqual([
      { name: "MESHFLEET_SITE", domain: "site-a" },
      { name: "MESHFLEET_SITE", domain: "site-b" },
    ]);
    expect(() => siteSources(["a.b"])).toThrow(/JetStream domain/);
    expect(() => siteSources(["a", "a"])).toThrow(/twice/);
  });
});
