import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@meshfleet/testkit";
import type { Alert } from "@meshfleet/shared";
import { listLabNamespaces, preClean } from "./netns";
import { RoutingLab, labPrerequisites, type LabProtocol } from "./routing-lab";
import { startStack, type LabStack } from "./stack";

interface Ev {
  id: number;
  code: string;
  node: string;
  ts: number;
  subject: string;
  iface?: string | null;
  prefix?: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}
interface Incident {
  id: number;
  startTs: number;
  endTs: number;
  durationMs: number;
  nodes: string[];
  trigger: { code: string; node: string };
}

const CUTS = 3;
const QUIET_MS = 5000;
/** Short damping parameters for the lab: half-life 20 s (thresholds as in production). */
const DETECTION = {
  tickMs: 500,
  natsAlerts: true,
  config: {
    // Two agents' cycles can be slow when both labs run at once on 2 cores.
    offlineAfterIntervals: 5,
    churn: { halfLifeMs: 20_000, openAbove: 2000, resolveBelow: 750 },
    convergence: { quietMs: QUIET_MS, maxSilenceMs: 60_000, slowMs: 30_000 },
  },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The routing lab scenario for one protocol: a ring of 4 namespaces with real BIRD, a
 * real nats-server, the controller and one agent per namespace; the r1-r2 link is cut
 * and restored several times; detection must see it.
 */
export function labScenario(protocol: LabProtocol, opts: { withoutAccept?: string[] } = {}): void {
  describe(`routing lab: ${protocol === "rip" ? "RIPng" : "Babel"} in BIRD 2 (namespaces, nftables, agents, controller)`, () => {
    let lab: RoutingLab | null = null;
    let stack: LabStack | null = null;
    const cutAt: number[] = [];
    const restoreAt: number[] = [];
    const events = async (q: string) => (await stack!.api<{ events: Ev[] }>(`/api/events?limit=5000&${q}`)).events;
    const alerts = async (q: string) => (await stack!.api<{ alerts: Alert[] }>(`/api/alerts?${q}`)).alerts;
    const incidents = async () => (await stack!.api<{ incidents: Incident[] }>("/api/convergence")).incidents;

    beforeAll(async () => {
      await labPrerequisites();
      await preClean();
      lab = await RoutingLab.create({ protocol, tag: protocol, withoutAccept: opts.withoutAccept ?? [] });
      await lab.startBird();
      await lab.waitConverged();
      stack = await startStack(lab, { intervalMs: 1000, detection: DETECTION });
      // Every node reported a full routing table (own /64 + 3 learned).
      await waitFor(async () => {
        const nodes = (await stack!.api<{ nodes: { id: string; routes: number; neighbors: number }[] }>("/api/nodes")).nodes;
        return nodes.length === 4 && nodes.every((n) => n.routes === 4 && n.neighbors === 2);
      }, { timeoutMs: 30_000, intervalMs: 250, what: "four nodes with full routing tables at the controller" });
      await sleep(2000);
    }, 90_000);

    afterAll(async () => {
      await stack?.stop();
      await lab?.destroy();
      const left = (await listLabNamespaces()).filter((n) => lab?.nodes.some((x) => x.ns === n));
      expect(left).toEqual([]);
    }, 60_000);

    it(`records a convergence incident for each of ${CUTS} link cuts, and neighbour/route events on the right nodes`, async () => {
      const l = lab!;
      // An incident per cut (opened by the loss) and per restore (opened by the routes coming back).
      const ofCut = async (i: number) => (await incidents()).find((c) => c.startTs >= cutAt[i]! - 1000 && (restoreAt[i] === undefined || c.startTs < restoreAt[i]!));
      for (let i = 1; i <= CUTS; i++) {
        cutAt.push(Date.now());
        await l.setLink("r1", "r2", false);
        await waitFor(async () => (await ofCut(i - 1)) ?? null, { timeoutMs: 60_000, intervalMs: 250, what: `convergence incident of cut #${i}` });
        restoreAt.push(Date.now());
        await l.setLink("r1", "r2", true);
        await l.waitConverged(30_000);
        await waitFor(async () => (await l.birdc("r1", "show", "route", "for", "2001:db8:2::1")).includes("on v12"), { timeoutMs: 30_000, intervalMs: 250, what: "r1 back on the direct link" });
        // The restore has its own incident (the routes coming back): let it close before the next cut.
        await waitFor(async () => (await incidents()).some((c) => c.startTs >= restoreAt[i - 1]! - 1000), { timeoutMs: 60_000, intervalMs: 250, what: `convergence incident of restore #${i}` });
        await sleep(1000);
      }
      const inc = await Promise.all(cutAt.map((_, i) => ofCut(i)));
      for (const [i, c] of inc.entries()) {
        if (!c) throw new Error(`no incident for cut #${i + 1}`);
        // The loss, or the route change it caused when that snapshot came first.
        expect(["neighbor_down", "route_withdrawn", "route_nexthop_changed"]).toContain(c.trigger.code);
        // The first snapshot that shows the cut: an end of the link (neighbour loss, route
        // moved) or, when its agent reported first, a node whose route moved because of it.
        expect(["r1", "r2", "r3", "r4"]).toContain(c.trigger.node);
        expect(c.nodes).toEqual(expect.arrayContaining(["r1", "r2"]));
        expect(c.durationMs).toBeGreaterThanOrEqual(0);
        expect(c.durationMs).toBeLessThan(30_000);
        expect(c.startTs).toBeGreaterThanOrEqual(cutAt[i]! - 1000);
      }
      for (const [node, iface, peer] of [["r1", "v12", "r2"], ["r2", "v21", "r1"]] as const) {
        const downs = await events(`node=${node}&code=neighbor_down`);
        expect(downs.map((e) => [e.iface, e.before?.neighborNode, e.before?.kind])).toEqual(Array(CUTS).fill([iface, peer, protocol]));
        expect(await events(`node=${node}&code=neighbor_up`)).toHaveLength(CUTS);
      }
      // r1's route to r2's /64 moved away from v12 at each cut and back at each restore.
      const r1to2 = (await events("node=r1")).filter((e) => e.prefix === "2001:db8:2::/64").reverse();
      expect(r1to2.length).toBeGreaterThanOrEqual(2 * CUTS);
      const hops = r1to2.map((e) => String((e.after ?? {}).nextHop ?? "none"));
      expect(hops.filter((h) => h.endsWith("%v12"))).toHaveLength(CUTS);
      expect(hops.at(-1)).toMatch(/%v12$/);
      // Around the ring via r4 (a next-hop change, or a withdrawal then an addition, depending on when the snapshot was taken).
      const detour = r1to2.filter((e) => String(e.after?.nextHop).endsWith("%v14"));
      expect(detour.length).toBeGreaterThanOrEqual(1);
      expect(detour.every((e) => e.after?.viaNode === "r4")).toBe(true);
    }, 240_000);

    it("opens route_flapping with evidence while the link flaps", async () => {
      const open = await alerts("state=open&code=route_flapping");
      const subjects = open.map((a) => a.subject);
      // One alert per flapping prefix: the same churn on other nodes is folded into the
      // first one opened (evidence.detail.folded).
      const foldedOf = (x: Alert) => ((x.evidence.detail?.folded ?? []) as { subject: string }[]).map((f) => f.subject);
      const toR1 = open.filter((x) => x.subject.endsWith(":2001:db8:1::/64"));
      expect(toR1).toHaveLength(1);
      expect([toR1[0]!.subject, ...foldedOf(toR1[0]!)]).toContain("route:r2:2001:db8:1::/64");
      expect(subjects.filter((x) => x.startsWith("route:"))).toHaveLength(new Set(subjects.map((x) => x.split(":").slice(2).join(":"))).size);
      // r1's flapping route to r2's /64 is that alert or one of its folded symptoms.
      const toR2 = open.filter((x) => x.subject.endsWith(":2001:db8:2::/64"));
      expect(toR2).toHaveLength(1);
      const a = toR2[0]!;
      expect([a.subject, ...foldedOf(a)]).toContain("route:r1:2001:db8:2::/64");
      expect(a).toMatchObject({ severity: "warning", state: "open" });
      expect(a.subject).toBe(`route:${a.node}:2001:db8:2::/64`);
      expect(a.evidence.scores.length).toBeGreaterThanOrEqual(3);
      expect(Math.max(...a.evidence.scores.map((s) => s.score))).toBeGreaterThan(2000);
      // The nodes list shows the open alerts per node.
      const counts = await waitFor(async () => {
        const openHere = (await alerts(`state=open&node=${a.node}`)).length;
        const listed = (await stack!.api<{ nodes: { id: string; openAlerts: number }[] }>("/api/nodes")).nodes.find((n) => n.id === a.node)?.openAlerts;
        return listed === openHere ? { openHere, listed } : null;
      }, { timeoutMs: 5000, what: `the nodes list's open alert count for ${a.node}` });
      expect(counts.openHere).toBeGreaterThanOrEqual(1);
      const detail = await stack!.api<{ alert: Alert; events: Ev[] }>(`/api/alerts/${a.id}`);
      expect(detail.events.length).toBe(a.evidence.eventIds.length);
      expect(detail.events.every((e) => e.subject.endsWith(":2001:db8:2::/64") && e.code.startsWith("route_"))).toBe(true);
    });

    it("resolves route_flapping after the flapping stops (score decays below 750)", async () => {
      const resolved = await waitFor(async () => {
        const open = await alerts("state=open&code=route_flapping");
        return open.length === 0 ? await alerts("state=resolved&code=route_flapping") : null;
      }, { timeoutMs: 150_000, intervalMs: 1000, what: "route_flapping alerts to resolve" });
      for (const a of resolved) {
        expect(a.resolvedAt! - a.openedAt).toBeGreaterThan(0);
        expect(a.evidence.scores.at(-1)!.score).toBeLessThan(750);
      }
      const evs = await events("");
      const all = await alerts("");
      const inc = (await incidents()).filter((c) => cutAt.some((t, i) => c.startTs >= t - 1000 && c.startTs < restoreAt[i]!)).reverse();
      const count = (xs: { code: string }[]) => Object.fromEntries([...new Set(xs.map((x) => x.code))].sort().map((c) => [c, xs.filter((x) => x.code === c).length]));
      // The numbers of this run (reported in the issue note).
      console.log(`[lab ${protocol}] events ${evs.length} ${JSON.stringify(count(evs))}; alerts ${all.length} ${JSON.stringify(count(all))}; convergence ms ${JSON.stringify(inc.map((c) => c.durationMs))} (cut -> last change ms ${JSON.stringify(inc.map((c, i) => c.endTs - cutAt[i]!))}) nodes ${JSON.stringify(inc.map((c) => c.nodes.length))}`);
    }, 180_000);

    it("lints the firewall from the real nftables counters", async () => {
      const lint = (await alerts("state=open&code=lint")).map((a) => a.subject);
      const expected = (opts.withoutAccept ?? []).map((n) => `lint:firewall_no_${protocol}_accept:${n}`);
      expect(lint.filter((s) => s.startsWith("lint:firewall_"))).toEqual(expected);
    });
  });
}
