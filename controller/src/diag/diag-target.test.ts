import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hono } from "hono";
import type { IpAddress, Snapshot } from "@meshfleet/shared";
import { FakeClock } from "../store/index";
import { writeBatch } from "../ingest/writer";
import { buildSnapshot } from "../../testing";
import { startDiagFixture, type DiagFixture, type FakeDiagNode } from "../../testing/diag";

const T0 = 1_790_000_000_000;
const addr = (iface: string, address: string, scope: IpAddress["scope"] = "global"): IpAddress => ({ iface, address, prefixLen: address.includes(":") ? 64 : 24, family: address.includes(":") ? "inet6" : "inet", scope });
const withAddresses = (s: Snapshot, addresses: IpAddress[]): Snapshot => ({ ...s, system: { ...s.system, data: { ...s.system.data!, addresses } } });

/**
 * What each node reported in its latest snapshot: r1 and r3 hold OpenWrt's default
 * 192.168.1.1 on br-lan (no one node's address), r3 also a ULA on br-lan, a GUA on wan
 * and a link-local on mesh0; r4 only an IPv4 of its own; r5 only a link-local address.
 */
const REPORTED: Record<string, IpAddress[]> = {
  r1: [addr("br-lan", "192.168.1.1"), addr("br-lan", "fd12:3456:7800:1::1")],
  r3: [addr("wan", "2001:db8:77::3"), addr("br-lan", "192.168.1.1"), addr("mesh0", "fe80::3", "link"), addr("br-lan", "fd12:3456:7800:3::1")],
  r4: [addr("br-lan", "10.44.0.1"), addr("mesh0", "fe80::4", "link")],
  r5: [addr("mesh0", "fe80::5", "link")],
};

/**
 * A diagnostic to a fleet node by name: the controller gives the router the node's own
 * address (one it reported), never the name; the result and the audit say which; a
 * node with no usable address, or a name that is no fleet node, is refused (400).
 */
describe("diagnostics to a fleet node name: resolved to the node's reported address", () => {
  let fx: DiagFixture;
  let app: Hono;
  let r1: FakeDiagNode;
  const clock = new FakeClock(T0);

  const post = async (body: unknown) => {
    const r = await app.request("/api/diag/r1", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as { result?: string; resolved?: unknown; message?: string; argv?: string[] } };
  };
  const lastAudit = async () => ((await (await app.request("/api/diag/audit?node=r1&limit=1")).json()) as { audit: { args: unknown; result: string; error: string | null }[] }).audit[0];
  /** Asks r1 and answers as the node does; resolves with the API's answer and the request the node got. */
  const run = async (args: unknown) => {
    const n = r1.requests.length;
    const answer = post({ args });
    const req = await r1.received(n + 1);
    r1.answer(req, [req.args.kind, "target" in req.args ? req.args.target : ""], "ok\n");
    return { api: await answer, sent: req.args };
  };

  beforeAll(async () => {
    fx = await startDiagFixture({
      clock,
      auth: "off",
      seed: async (store) => {
        await writeBatch(store, Object.entries(REPORTED).map(([node, a]) => ({ kind: "snapshot" as const, msg: withAddresses(buildSnapshot({ node, seq: 1, ts: T0 }), a) })), T0);
      },
    });
    ({ app, r1 } = fx);
  });
  afterAll(async () => {
    await fx?.dispose();
  });

  it("traceroute to r3: the router gets r3's br-lan ULA (IPv6 first, br-lan, ULA before GUA, never link-local); result and audit name it", async () => {
    const { api, sent } = await run({ kind: "traceroute", target: "r3" });
    expect(sent).toEqual({ kind: "traceroute", target: "fd12:3456:7800:3::1", maxHops: 16 });
    expect(api.status).toBe(200);
    expect(api.body.result).toBe("done");
    expect(api.body.resolved).toEqual({ node: "r3", address: "fd12:3456:7800:3::1", iface: "br-lan" });
    expect(await lastAudit()).toMatchObject({ args: { kind: "traceroute", target: "r3", address: "fd12:3456:7800:3::1", maxHops: 16 }, result: "done" });
  });

  it("ping prefers an IPv4 of the node's own: r4's 10.44.0.1; r3's 192.168.1.1 is r1's too, so r3 is pinged at its ULA", async () => {
    expect((await run({ kind: "ping", target: "r4", count: 2 })).sent).toEqual({ kind: "ping", target: "10.44.0.1", count: 2, size: 56 });
    expect((await run({ kind: "ping", target: "r3", count: 2 })).sent).toEqual({ kind: "ping", target: "fd12:3456:7800:3::1", count: 2, size: 56 });
    // Without IPv6, any kind falls back to the node's own IPv4; an IP literal is sent as given.
    expect((await run({ kind: "iperf3", target: "10.9.9.9", durationSec: 1 })).sent).toEqual({ kind: "iperf3", target: "10.9.9.9", durationSec: 1 });
    expect((await run({ kind: "traceroute", target: "r4", maxHops: 4 })).sent).toEqual({ kind: "traceroute", target: "10.44.0.1", maxHops: 4 });
  });

  it("a node with no usable address, or a name that is no fleet node: 400 saying so, audited, nothing sent", async () => {
    const before = r1.requests.length;
    const cases: [unknown, string][] = [
      [{ kind: "ping6", target: "r4" }, "target r4 is a fleet node, but its latest snapshot reports no global IPv6 address: give an IP address"],
      [{ kind: "ping", target: "r5" }, "target r5 is a fleet node, but its latest snapshot reports no global IPv6 address and no IPv4 address of its own: give an IP address"],
      [{ kind: "traceroute", target: "r9" }, "target r9 is neither an IP address nor a fleet node"],
    ];
    for (const [args, message] of cases) {
      const r = await post({ args });
      expect([r.status, r.body.message]).toEqual([400, message]);
      expect(await lastAudit()).toMatchObject({ args, result: "refused", error: `E_VALIDATION: ${message}` });
    }
    // The next request the node gets is the next one asked: none of the refused went out.
    expect((await run({ kind: "ping6", target: "r3", count: 1 })).sent).toEqual({ kind: "ping6", target: "fd12:3456:7800:3::1", count: 1, size: 56 });
    expect(r1.requests.length).toBe(before + 1);
  });
});
