import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@meshfleet/testkit";
import type { Alert } from "@meshfleet/shared";
import { LAB_DAEMONS, type LabDaemonName } from "./daemons";
import { KernelReferee, isLost, type KernelChange } from "./kernel";
import { timeline } from "./explain";
import { listLabNamespaces, preClean } from "./netns";
import { byNode, churnPeak, convergenceBounds, eventWindow, overlaps, referee, sampledChanges, seenOnlyUnsure, type RouteEv } from "./referee";
import { RoutingLab, STUB_PREFIX, labPrerequisites } from "./routing-lab";
import { startStack, type LabStack } from "./stack";
import { CARRIED_CHURN_MAX, CHECK_TIMEOUT_MS, DETECTION, FLAPS, FLAP_HALF_MS, INTERVAL_MS, KERNEL_QUIET_MS, LAG_MS, LEAD_MS, SLACK_MS } from "./scenario-config";

interface Ev extends RouteEv {
  subject: string;
  iface?: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}
/** The daemon moved the route to a path of the same metric and still offers the old one (as the agent read it). */
const equalPathMove = (e: Ev) => e.before?.metric != null && e.before.metric === e.after?.metric && Array.isArray(e.after?.equalPaths) && e.after.equalPaths.includes(e.before.nextHop);
interface Incident {
  id: number;
  startTs: number;
  endTs: number;
  durationMs: number;
  nodes: string[];
  trigger: { code: string; node: string };
}
interface Phase {
  name: string;
  /** When the lab acted (link down/up, stub removed/added). */
  at: number;
  /** The kernel tables' last change caused by it (once they were quiet for KERNEL_QUIET_MS). */
  kernelLast: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = (xs: { code: string }[]) => Object.fromEntries([...new Set(xs.map((x) => x.code))].sort().map((c) => [c, xs.filter((x) => x.code === c).length]));

/**
 * The routing lab scenario, the same for every daemon: a ring of 4 namespaces (r1..r4, r3
 * also originating a stub /64), the daemon, a real nats-server, the controller and one
 * agent per namespace; the kernel tables are the referee. Steps: cut r1-r2 and restore it,
 * withdraw the stub and re-add it (each once the churn before it decayed), then flap the stub
 * FLAPS times. meshfleet must report withdrawals/additions where the kernel lost/regained a
 * prefix and nothing where it did not, converge within an agent interval of the kernel, and
 * raise route_flapping only for the flapping stub (one alert, the other nodes' churn folded in).
 */
export function labScenario(name: LabDaemonName, opts: { withoutAccept?: string[] } = {}): void {
  const daemon = LAB_DAEMONS[name];
  describe(`routing lab: ${daemon.label} (namespaces, nftables, agents, controller; the kernel as referee)`, () => {
    let lab: RoutingLab | null = null;
    let stack: LabStack | null = null;
    let kernel: KernelReferee | null = null;
    let t0 = 0;
    let flapStart = 0;
    let flapEnd = 0;
    /** When the lab removed the stub at its origin (the origin's own churn: BIRD drops its direct route then). */
    const stubRemovals: number[] = [];
    const setStub = async (present: boolean) => {
      if (!present) stubRemovals.push(Date.now());
      await lab!.setStub(present);
    };
    const phases: Phase[] = [];
    const events = async (q: string) => (await stack!.api<{ events: Ev[] }>(`/api/events?limit=5000&${q}`)).events;
    const alerts = async (q: string) => (await stack!.api<{ alerts: Alert[] }>(`/api/alerts?${q}`)).alerts;
    const incidents = async () => (await stack!.api<{ incidents: Incident[] }>("/api/convergence")).incidents;
    const routeEvents = async () => (await events("")).filter((e) => e.code.startsWith("route_") && e.ts >= t0);

    /**
     * Waits until every agent read its daemon after the kernel tables settled and the
     * controller took that snapshot through detection (on a loaded machine a snapshot reaches
     * it seconds late: an incident not yet opened is not an incident closed).
     */
    const caughtUp = async (what: string) => {
      const since = Date.now();
      await waitFor(async () => (lab!.nodes.every((n) => stack!.observer.observations.some((o) => o.node === n.id && o.readStart > since && (stack!.committed.get(n.id) ?? 0) >= o.ts)) ? true : null), { timeoutMs: 60_000, intervalMs: 200, what: `every agent's snapshot after ${what} at the controller` });
      // Detection handles a committed batch asynchronously, one store transaction at a time:
      // an empty pass queued now ends after the passes of those snapshots.
      await stack!.detection.service().handle([]);
    };
    /** Waits until every churn score meshfleet holds has decayed below CARRIED_CHURN_MAX (a wait for a condition: it gives up after 120 s). */
    const churnDecayed = (what: string) => waitFor(async () => (Math.max(0, ...stack!.detection.service().scores().subjects.map((s) => s.score)) < CARRIED_CHURN_MAX ? true : null), { timeoutMs: 120_000, intervalMs: 500, what: `meshfleet's churn scores from ${what} to decay below ${CARRIED_CHURN_MAX}` });
    /** Acts once the previous churn decayed, then waits until the kernel tables and meshfleet's convergence incident have settled. */
    const step = async (name: string, act: () => Promise<void>, until?: () => Promise<boolean>) => {
      if (phases.length > 0) await churnDecayed(phases.at(-1)!.name);
      const at = Date.now();
      await act();
      if (until) await waitFor(async () => ((await until()) ? true : null), { timeoutMs: 60_000, intervalMs: 200, what: `the kernel after ${name}` });
      const kernelLast = await kernel!.settled(at, KERNEL_QUIET_MS);
      await caughtUp(name);
      await waitFor(async () => (stack!.detection.service().openIncident() === null ? true : null), { timeoutMs: 60_000, intervalMs: 200, what: `meshfleet's incident of ${name} to close` });
      phases.push({ name, at, kernelLast });
    };
    const learners = () => lab!.nodes.filter((n) => n.id !== lab!.stubOwner);
    /** A node's agent cycles that read its daemon, in order. */
    const observed = (node: string) => byNode(stack!.observer.observations).get(node) ?? [];
    const stubEverywhere = async (present: boolean) => (await Promise.all(learners().map(async (n) => (await lab!.kernelRoute(n.id, STUB_PREFIX)) !== "lost"))).every((x) => x === present);

    beforeAll(async () => {
      await labPrerequisites(daemon);
      await preClean();
      lab = await RoutingLab.create({ daemon, tag: name.replace(/[^a-z0-9]/g, ""), withoutAccept: opts.withoutAccept ?? [] });
      await lab.setStub(true);
      await lab.startDaemons();
      await lab.waitConverged(true);
      stack = await startStack(lab, { intervalMs: INTERVAL_MS, detection: DETECTION });
      // Every node reported its neighbours and the learned routes (BIRD also lists its own /64s).
      // A deadline, not a timing: at load 20 with the other labs beside it the agents' first cycles take long.
      let seen = "nothing yet";
      await waitFor(async () => {
        const nodes = (await stack!.api<{ nodes: { id: string; routes: number; neighbors: number }[] }>("/api/nodes")).nodes;
        seen = nodes.map((n) => `${n.id}: ${n.routes} routes, ${n.neighbors} neighbours`).join("; ");
        return nodes.length === 4 && nodes.every((n) => n.routes >= lab!.learnable(n.id).length && n.neighbors === 2) ? true : null;
      }, { timeoutMs: 120_000, intervalMs: 250, what: "four nodes with full routing tables at the controller" }).catch((err: Error) => {
        throw new Error(`${err.message} (the controller had ${seen})`);
      });
      kernel = new KernelReferee(lab.nodes.map((n) => ({ id: n.id, ns: n.ns, prefixes: lab!.learnable(n.id) })), 1000);
      await kernel.start();
      await kernel.settled(Date.now(), KERNEL_QUIET_MS);
      await caughtUp("the daemons' start");
      // The daemons' first convergence may still hold an incident open (babeld's route
      // selection settles seconds after the kernel): the cut must start its own.
      await waitFor(async () => (stack!.detection.service().openIncident() === null ? true : null), { timeoutMs: 60_000, intervalMs: 200, what: "meshfleet's incident of the daemons' start to close" });
      await churnDecayed("the daemons' start");
      t0 = Date.now();
    }, 300_000);

    afterAll(async () => {
      // MFLAB_DUMP=dir: the run's timeline (kernel changes, events, incidents, alerts) as JSON, to look at a failure.
      if (process.env.MFLAB_DUMP && stack && kernel) {
        const dump = { t0, flapStart, phases, kernel: kernel.changes, events: await events(""), incidents: await incidents(), alerts: await alerts(""), observations: stack.observer.observations, reads: stack.observer.reads.filter((r) => r.start >= t0 - 5000) };
        writeFileSync(join(process.env.MFLAB_DUMP, `${name}.json`), JSON.stringify(dump, null, 1));
      }
      await kernel?.stop();
      await stack?.stop();
      await lab?.destroy();
      const left = (await listLabNamespaces()).filter((n) => lab?.nodes.some((x) => x.ns === n));
      expect(left).toEqual([]);
    }, 2 * CHECK_TIMEOUT_MS);

    it("cut and restore, stub withdrawn and re-added, a flap series: the kernel changes and meshfleet follows", async () => {
      const l = lab!;
      // r1 and r2 route to each other over their direct link (babeld notices a link down
      // after a few seconds, and moves back to the better path a few seconds after it returns).
      const direct = async () => (await l.kernelRoute("r1", l.node("r2").prefix)).endsWith("%v12") && (await l.kernelRoute("r2", l.node("r1").prefix)).endsWith("%v21");
      await step("cut r1-r2", () => l.setLink("r1", "r2", false), async () => !(await direct()));
      await step("restore r1-r2", () => l.setLink("r1", "r2", true), direct);
      await step("stub withdrawn", () => setStub(false), () => stubEverywhere(false));
      await step("stub re-added", () => setStub(true), () => stubEverywhere(true));
      flapStart = Date.now();
      // The origin flaps: the stub goes and comes back every two agent intervals, whatever
      // the daemons make of it (the kernel says what reached each node).
      for (let i = 0; i < FLAPS; i++) {
        await setStub(false);
        await sleep(FLAP_HALF_MS);
        await setStub(true);
        await sleep(FLAP_HALF_MS);
      }
      await kernel!.settled(flapStart, KERNEL_QUIET_MS);
      await waitFor(async () => ((await stubEverywhere(true)) ? true : null), { timeoutMs: 60_000, intervalMs: 200, what: "the stub back everywhere after the flap series" });
      flapEnd = await kernel!.settled(flapStart, KERNEL_QUIET_MS);
      await caughtUp("the flap series");
      await waitFor(async () => (stack!.detection.service().openIncident() === null ? true : null), { timeoutMs: 60_000, intervalMs: 200, what: "meshfleet's incident of the flap series to close" });
    }, 600_000);

    it("reports withdrawals and additions where the kernel lost and regained a prefix, and no route event where it did not change", async () => {
      const evs = await routeEvents();
      const learned = evs.filter((e) => lab!.learnable(e.node).includes(e.prefix));
      const v = referee(kernel!.changes, learned, stack!.observer.observations, { lagMs: LAG_MS, leadMs: LEAD_MS, since: t0 });
      console.log(`[lab ${name}] kernel changes ${JSON.stringify(v.kernel)}; meshfleet route events ${JSON.stringify(v.meshfleet)}`);
      for (const k of [...v.unmatched.map((e) => ({ ...e, at: e.ts })), ...v.missed]) console.log(`[lab ${name}] timeline of ${k.node} ${k.prefix} around ${k.at - t0}:\n${timeline(k, kernel!.changes, learned, stack!.observer.observations, t0).join("\n")}`);
      expect(v.unmatched.map((e) => `${e.code} ${e.node} ${e.prefix} @${e.ts - t0}`)).toEqual([]);
      expect(v.missed.map((c) => `${c.before} -> ${c.after} ${c.node} ${c.prefix} @${c.at - t0}`)).toEqual([]);
      // Every learner lost and regained the stub (at least in the single withdrawal), and meshfleet said so.
      for (const n of learners()) {
        const stub = evs.filter((e) => e.node === n.id && e.prefix === STUB_PREFIX);
        expect(stub.filter((e) => e.code === "route_withdrawn").length, n.id).toBeGreaterThanOrEqual(1);
        expect(stub.filter((e) => e.code === "route_added").length, n.id).toBeGreaterThanOrEqual(1);
      }
      // The origin's own stub (BIRD lists it as a direct route, the agent reports babeld's
      // xroute as an originated route): events only once the stub was touched. The kernel is no
      // referee there: it may keep the connected prefix route after BIRD dropped the address's direct route.
      const own = evs.filter((e) => e.node === lab!.stubOwner && e.prefix === STUB_PREFIX);
      expect(own.filter((e) => e.code === "route_withdrawn").length).toBeGreaterThanOrEqual(1);
      // (an event whose snapshot finished reading the daemon before the stub was touched is wrong)
      const touched = phases.find((p) => p.name === "stub withdrawn")!.at;
      expect(own.filter((e) => (eventWindow(observed(lab!.stubOwner), e.ts)?.end ?? e.ts) < touched)).toEqual([]);
      // Nodes and prefixes whose kernel route never changed have no route events at all.
      const changed = new Set(kernel!.changes.filter((c) => c.at >= t0).map((c) => `${c.node} ${c.prefix}`));
      expect(learned.filter((e) => e.code !== "route_metric_changed" && !changed.has(`${e.node} ${e.prefix}`)).map((e) => `${e.code} ${e.node} ${e.prefix}`)).toEqual([]);
    }, CHECK_TIMEOUT_MS);

    it("converges within one agent interval of the kernel's own settling time", async () => {
      const inc = await incidents();
      const evs = await routeEvents();
      const sampled = sampledChanges(kernel!.changes, stack!.observer.observations, LAG_MS, t0);
      const unsureEvs = seenOnlyUnsure(evs, kernel!.changes, stack!.observer.observations, { lagMs: LAG_MS, leadMs: LEAD_MS });
      const rows = phases.map((p, i) => {
        const next = phases[i + 1]?.at ?? (flapStart || Date.now());
        // An incident of this step began with a snapshot that finished reading the daemons after
        // this step acted and before the next one (a snapshot stamped just before the next step
        // may read after it: its incident is the next step's).
        const mine = inc.filter((c) => {
          const read = eventWindow(observed(c.trigger.node), c.startTs)?.end ?? c.startTs;
          return read >= p.at && read < next;
        });
        const end = mine.length > 0 ? Math.max(...mine.map((c) => c.endTs)) : null;
        // The kernel's last change before the next step: a daemon may still move a route a little
        // after the tables looked quiet for KERNEL_QUIET_MS (babeld choosing between two equal paths).
        const kernelLast = Math.max(p.kernelLast, ...kernel!.changes.filter((c) => c.at >= p.at && c.at < next).map((c) => c.at));
        // The last change the agents' reads could see (a move there and back between two reads is none).
        const seenLast = Math.max(p.at, ...sampled.filter((c) => c.at >= p.at && c.at < next).map((c) => c.at));
        // Within one agent interval of the kernel, as the agents really read (cycles stretch under load).
        const b = convergenceBounds(sampled.filter((c) => c.at >= p.at && c.at < next), stack!.observer.observations, LAG_MS);
        // It may end later at a route event: what the kernel cannot referee (the daemon's metric
        // changes, the origin's own stub, which RIP echoes back to r3 after the lab removed it),
        // and changes the referee matched (the first check) although no read saw them surely
        // (under load the monitor's records come late, and every read overlaps a change's window).
        const unrefereed = evs.filter((e) => e.ts >= p.at - INTERVAL_MS && e.ts < next && (e.code === "route_metric_changed" || (e.node === lab!.stubOwner && e.prefix === STUB_PREFIX)));
        const unsure = unsureEvs.filter((e) => e.ts >= p.at && e.ts < next);
        const upper = Math.max(b?.upper ?? -Infinity, ...unrefereed.map((e) => e.ts), ...unsure.map((e) => e.ts));
        const ms = (t: number | undefined) => (t === undefined || !Number.isFinite(t) ? null : t - p.at);
        return { phase: p.name, kernelMs: kernelLast - p.at, seenMs: seenLast - p.at, meshfleetMs: ms(end ?? undefined), incidents: mine.length, lowerMs: ms(b?.lower), upperMs: ms(upper) };
      });
      console.log(`[lab ${name}] convergence ${JSON.stringify(rows)}`);
      for (const r of rows) {
        expect(r.meshfleetMs, r.phase).not.toBeNull();
        const { lowerMs: lower, upperMs: upper } = r;
        if (lower !== null) expect(r.meshfleetMs!, `${r.phase}: meshfleet's incident ends before the agents could have seen the kernel's last change`).toBeGreaterThanOrEqual(lower - SLACK_MS);
        if (upper !== null) expect(r.meshfleetMs!, `${r.phase}: meshfleet's incident ends after the agents surely saw the kernel's last change`).toBeLessThanOrEqual(upper + SLACK_MS);
      }
    }, CHECK_TIMEOUT_MS);

    it("raises route_flapping only where the routes churned, only in the flap series, one alert per prefix, the other nodes' churn folded in", async () => {
      const all = await alerts("code=route_flapping");
      const halfLife = DETECTION.config.churn.halfLifeMs;
      const evs = await routeEvents();
      const phaseAt = (ts: number) => (ts >= flapStart ? "flap series" : ([...phases].reverse().find((p) => p.at - INTERVAL_MS <= ts)?.name ?? "start"));
      // The churn of a route up to a time, scored as meshfleet scores it: the kernel's losses
      // and moves (1000), plus the metric changes the daemon reported (500; the kernel does not
      // carry the daemon's metric). A move the daemon made between two paths it offered at the
      // same metric, the old one still offered (its report read with the move), weighs 500 as
      // in the detector. The origin's own stub churns with the lab's removals.
      const ties = evs.filter((e) => e.code === "route_nexthop_changed" && equalPathMove(e));
      const weight = (c: KernelChange) => {
        if (isLost(c.before) || isLost(c.after)) return 1000;
        const tie = ties.some((e) => e.node === c.node && e.prefix === c.prefix && overlaps(eventWindow(observed(e.node), e.ts), c, LAG_MS));
        return tie ? 500 : 1000;
      };
      const churnOf = (node: string, prefix: string, until: number, changes: readonly KernelChange[] = kernel!.changes): { at: number; penalty: number }[] => {
        const metric = evs.filter((e) => e.node === node && e.prefix === prefix && e.code === "route_metric_changed" && e.ts <= until).map((e) => ({ at: e.ts, penalty: 500 }));
        if (node === lab!.stubOwner && prefix === STUB_PREFIX) return [...stubRemovals.filter((t) => t <= until).map((t) => ({ at: t, penalty: 1000 })), ...metric];
        const k = changes.filter((c) => c.node === node && c.prefix === prefix && c.at >= t0 && c.at <= until && !(isLost(c.before) && !isLost(c.after)));
        return [...k.map((c) => ({ at: c.at, penalty: weight(c) })), ...metric];
      };
      // Every flapping route meshfleet named (the alert's own subject and the symptoms folded
      // into it) had churned past the threshold by then (less a tenth: the agents see a change
      // up to an interval after the kernel).
      // The alert names the prefix's origin; the threshold was crossed on `detail.crossedOn`.
      const crossed = (a: Alert) => {
        const on = a.evidence.detail?.crossedOn;
        return typeof on === "string" ? `route:${on}:${a.subject.split(":").slice(2).join(":")}` : a.subject;
      };
      // Folded symptoms of other codes (a slow convergence the flap kept open) name no route.
      const folded = (a: Alert) => ((a.evidence.detail?.folded ?? []) as { code?: string; subject: string; ts: number }[]).filter((f) => f.code === "route_flapping");
      const named = all.flatMap((a) => [{ subject: crossed(a), ts: a.openedAt }, ...folded(a)].map((x) => ({ ...x, alert: a.id })));
      const rows = named.map((x) => {
        const [, node, ...rest] = x.subject.split(":");
        // What the kernel did up to the end of the read that made meshfleet cross the threshold.
        const until = (eventWindow(observed(node!), x.ts)?.end ?? x.ts + INTERVAL_MS) + LAG_MS + SLACK_MS;
        const scores = all.find((a) => a.id === x.alert)!.evidence.scores.slice(0, 8).map((s) => `${s.ts - t0}:${Math.round(s.score)}`).join(" "); // meshfleet's, from t0
        return { subject: x.subject, phase: phaseAt(x.ts), churnPeak: churnPeak(churnOf(node!, rest.join(":"), until), halfLife), scores };
      });
      console.log(`[lab ${name}] route_flapping ${all.length}: ${all.map((a) => `${a.subject} names ${a.node} (${phaseAt(a.openedAt)})`).join("; ")}; named routes ${JSON.stringify(rows)}`);
      expect(rows.filter((r) => r.churnPeak < 1800)).toEqual([]);
      // A single cut, restore, withdrawal or return flaps nothing. (RIP counts to infinity
      // around the ring after a withdrawal: the route comes back with a growing metric before
      // it goes; meshfleet scores that as the one withdrawal it is, see count-to-infinity.ts.)
      expect(all.filter((a) => a.openedAt < flapStart).map((a) => `${a.subject} (${phaseAt(a.openedAt)})`)).toEqual([]);
      // One alert per flapping prefix at a time.
      const prefixOf = (a: Alert) => a.subject.split(":").slice(2).join(":");
      for (const a of all) for (const b of all) if (a.id !== b.id && prefixOf(a) === prefixOf(b)) expect(a.openedAt >= (b.resolvedAt ?? Infinity) || b.openedAt >= (a.resolvedAt ?? Infinity), `${a.subject} and ${b.subject} open at once`).toBe(true);
      // The flap series: where the kernel's churn of the stub clearly crossed the threshold
      // (above 2500; in between, the agents' sampling may merge a loss and a return), the
      // stub has an alert open during the series naming those routes.
      // Judged on the kernel's changes as the agents' reads could see them (a loss and a
      // return between two reads is invisible to any sampler; under load reads are seconds apart).
      const sampled = sampledChanges(kernel!.changes.filter((c) => c.prefix === STUB_PREFIX), stack!.observer.observations, LAG_MS, flapStart);
      const peaks = Object.fromEntries(learners().map((n) => [n.id, churnPeak(churnOf(n.id, STUB_PREFIX, flapEnd, sampled), halfLife)]));
      console.log(`[lab ${name}] flap series: kernel churn peaks of the stub (as sampled by the agents' reads) ${JSON.stringify(peaks)}; raw ${JSON.stringify(Object.fromEntries(learners().map((n) => [n.id, churnPeak(churnOf(n.id, STUB_PREFIX, flapEnd).filter((c) => c.at >= flapStart), halfLife)])))}`);
      const flapping = learners().filter((n) => peaks[n.id]! > 2500).map((n) => `route:${n.id}:${STUB_PREFIX}`);
      if (flapping.length > 0) {
        const during = all.filter((a) => prefixOf(a) === STUB_PREFIX && a.openedAt <= flapEnd && (a.resolvedAt ?? Infinity) >= flapStart);
        expect(during.length).toBeGreaterThanOrEqual(1);
        // Named after the origin: r3 originates the stub (BIRD's direct route, babeld's xroute).
        expect(during.map((a) => a.node)).toEqual(during.map(() => lab!.stubOwner));
        expect(named.filter((x) => during.some((a) => a.id === x.alert)).map((x) => x.subject)).toEqual(expect.arrayContaining(flapping));
      }
    }, CHECK_TIMEOUT_MS);

    it("resolves route_flapping after the flapping stops (score decays below 750)", async () => {
      const resolved = await waitFor(async () => {
        const open = await alerts("state=open&code=route_flapping");
        return open.length === 0 ? await alerts("state=resolved&code=route_flapping") : null;
      }, { timeoutMs: 90_000, intervalMs: 1000, what: "route_flapping alerts to resolve" });
      for (const a of resolved) expect(a.evidence.scores.at(-1)!.score).toBeLessThan(750);
      const evs = (await events("")).filter((e) => e.ts >= t0);
      const all = await alerts("");
      console.log(`[lab ${name}] events ${evs.length} ${JSON.stringify(count(evs))}; alerts ${all.length} ${JSON.stringify(count(all))}; kernel polls ${kernel!.polls} + ${kernel!.triggered} on monitor lines`);
    }, 120_000);

    it("lints the firewall from the real nftables counters", async () => {
      const lint = (await alerts("state=open&code=lint")).map((a) => a.subject);
      const expected = (opts.withoutAccept ?? []).map((n) => `lint:firewall_no_${daemon.protocol}_accept:${n}`);
      expect(lint.filter((s) => s.startsWith("lint:firewall_"))).toEqual(expected);
    }, CHECK_TIMEOUT_MS);
  });
}
