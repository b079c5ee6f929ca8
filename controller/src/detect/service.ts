import type { IngestItem } from "../ingest/decode";
import type { Logger } from "../log";
import type { Clock, Store } from "../store/index";
import { AlertManager } from "../alerts/manager";
import { AlertsRepository } from "../alerts/repo";
import { SilencesRepository } from "../alerts/silences";
import type { AlertSink } from "../alerts/types";
import { actionsForChurn, actionsForEvent, actionsForIncident, lintInput, type AlertAction } from "./alert-rules";
import { evaluateChurn, rollup, stepChurn, type ChurnState, type StoredEvent } from "./churn-score";
import { emptyConvergence, stepConvergence, tickConvergence, type ClosedIncident, type ConvergenceState } from "./convergence";
import { detectConfig, emptyFleet, stepSnapshot, tickFleet, type DetectConfig, type FleetState, type NodeDetectState } from "./fleet";
import { lintFleet, type LintNode } from "./lint";
import { lintFromHello, lintFromSnapshot } from "./lint-input";
import { DetectRepository, type StoredIncident } from "./repo";
import type { AlertInput } from "../alerts/types";
import { alertText } from "./alert-text";
import { canFold, findCause, FOLD_WINDOW_MS } from "./fold";
import { currentCauses, symptomKeys } from "./fold-inputs";
import { routeFlapOrigin, shouldResolvePrefix } from "./flap-origin-input";
import { episodeStart } from "./flap-origin";
import { JobsRepository } from "../jobs/repo";
import { JOB_GRACE_MS, jobActor, jobWindows, windowFor, type JobWindow } from "./job-quiet";
import type { Silence } from "../alerts/silences";
import { linkHealthView, type LinkHealthView, type LinkState } from "./link-health";
import { subjectOf, type Resolver } from "./types";

export interface DetectionServiceOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  config?: Parameters<typeof detectConfig>[0];
  sinks?: readonly AlertSink[];
  /** Events older than this are deleted by `tick` (default 30 days). */
  eventRetentionMs?: number;
  /** How long after a node finished a config job its alerts are still the job's (default 2 min). */
  jobGraceMs?: number;
}

/**
 * The shell around the pure detectors: after each committed ingest batch it runs them,
 * stores the events, updates churn scores, convergence incidents and the fleet lint, and
 * drives the alerts. Its whole state is persisted with the events (same transaction), so
 * a restarted controller continues with the same scores and open alerts. No timers here:
 * `tick(now)` is called by the module's timer.
 */
export class DetectionService {
  readonly cfg: DetectConfig;
  readonly repo: DetectRepository;
  readonly alerts: AlertManager;
  readonly silences: SilencesRepository;
  private fleet: FleetState = emptyFleet();
  private churn: ChurnState = {};
  private conv: ConvergenceState = emptyConvergence;
  private lint = new Map<string, LintNode>();
  private lastPrune = 0;
  /** When nodes came back from a reboot or an outage (folding window). */
  private readonly backAt = new Map<string, number>();
  private macs: Map<string, string> | null = null;
  private readonly jobs: JobsRepository;
  /** Config jobs' quiet windows and their silences, as of the last sync. */
  private jobQuiet: { window: JobWindow; silence: Silence }[] = [];
  private addrs: Map<string, string> | null = null;
  readonly resolver: Resolver;

  constructor(private readonly o: DetectionServiceOptions) {
    this.cfg = detectConfig(o.config);
    this.repo = new DetectRepository(o.store.db);
    this.silences = new SilencesRepository(o.store.db);
    this.jobs = new JobsRepository(o.store);
    this.alerts = new AlertManager({ repo: new AlertsRepository(o.store.db), sinks: o.sinks ?? [], log: o.log, silences: this.silences });
    // MAC/address -> node maps, read once per batch (hellos in the batch are already stored when it runs).
    this.resolver = {
      mac: (m) => (this.macs ??= o.store.nodes.macMap()).get(m.toLowerCase()) ?? null,
      address: (a) => (this.addrs ??= o.store.nodes.addressMap()).get(a.toLowerCase().replace(/%.*$/, "")) ?? null,
    };
  }

  /** Rebuilds detector state, scores and open alerts from the store. */
  load(): void {
    const fleet = emptyFleet();
    for (const [key, value] of this.repo.allState()) {
      if (key.startsWith("node:")) fleet.nodes[key.slice(5)] = value as NodeDetectState;
      else if (key.startsWith("lint:")) this.lint.set(key.slice(5), value as LintNode);
      else if (key === "presence") fleet.presence = value as FleetState["presence"];
      else if (key === "stations" && typeof value === "object" && value !== null && "byMac" in value) fleet.stations = value as FleetState["stations"];
      else if (key === "convergence") this.conv = value as ConvergenceState;
      else if (key.startsWith("linkq:")) fleet.links[key.slice(6)] = value as LinkState;
    }
    // The controller was down, not the nodes: give every node a fresh offline window from now.
    const now = this.o.clock.now();
    for (const p of Object.values(fleet.presence)) p.lastRecv = Math.max(p.lastRecv, now);
    this.fleet = fleet;
    this.churn = this.repo.loadScores();
    this.alerts.load();
  }

  /** Ingest listener: the accepted items of one committed batch, in order. */
  handle(items: readonly IngestItem[]): void {
    const now = this.o.clock.now();
    this.macs = null;
    this.addrs = null;
    const prevChurn = this.churn;
    const touched = new Set<string>();
    const lintTouched = new Set<string>();
    const linksTouched = new Set<string>();
    this.o.store.transaction(() => {
      this.syncJobs(now);
      for (const it of items) {
        if (it.kind === "hello") {
          this.setLint(it.msg.node, lintFromHello(this.lint.get(it.msg.node) ?? null, it.msg), lintTouched);
          continue;
        }
        if (it.kind !== "snapshot") continue;
        const s = it.msg;
        const peersBefore = this.fleet.nodes[s.node]?.meshPeers;
        const r = stepSnapshot(this.fleet, s, now, this.resolver, this.cfg);
        this.fleet = r.state;
        touched.add(s.node);
        for (const mac of [...Object.keys(peersBefore ?? {}), ...Object.keys(this.fleet.nodes[s.node]?.meshPeers ?? {})]) linksTouched.add(subjectOf.link(s.node, this.resolver.mac(mac) ?? mac));
        this.setLint(s.node, lintFromSnapshot(this.lint.get(s.node) ?? null, s), lintTouched);
        const stored = this.record(r.events);
        const c = stepConvergence(this.conv, s.node, s.ts, stored, this.cfg.convergence);
        this.conv = c.state;
        this.closeIncidents(c.closed);
      }
      this.evaluate(now);
      if (lintTouched.size > 0) this.alerts.reconcile("lint", lintFleet([...this.lint.values()]).map(lintInput), now);
      this.save(now, prevChurn, touched, lintTouched, linksTouched);
    });
  }

  /** Time passed: offline nodes, stations that left, score decay, silent convergence incidents, event retention. */
  tick(now: number = this.o.clock.now()): void {
    const prevChurn = this.churn;
    this.o.store.transaction(() => {
      this.syncJobs(now);
      const r = tickFleet(this.fleet, now, this.cfg);
      this.fleet = r.state;
      this.record(r.events);
      const linksTouched = new Set(r.events.filter((e) => e.code === "mesh_link_down").map((e) => e.subject));
      const c = tickConvergence(this.conv, now, this.cfg.convergence);
      this.conv = c.state;
      this.closeIncidents(c.closed);
      this.evaluate(now);
      this.save(now, prevChurn, new Set(), new Set(), linksTouched);
    });
    const retention = this.o.eventRetentionMs ?? 30 * 24 * 3600_000;
    if (now - this.lastPrune > 3600_000) {
      this.lastPrune = now;
      this.repo.pruneEvents(now - retention);
    }
  }

  /** Churn scores now: per subject, and rolled up per node and link. */
  scores(now: number = this.o.clock.now()) {
    const subjects = Object.entries(this.churn)
      .map(([subject, e]) => ({ subject, kind: e.kind, node: e.node, link: e.link, score: Math.round(rollup({ [subject]: e }, now, this.cfg.churn).nodes[e.node] ?? 0), flapping: e.flapping }))
      .sort((a, b) => b.score - a.score);
    const r = rollup(this.churn, now, this.cfg.churn);
    const round = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v)]));
    return { subjects, nodes: round(r.nodes), links: round(r.links) };
  }

  /** Health of every mesh link the detector knows, by link subject (`link:a-b`). */
  linkHealth(): Map<string, LinkHealthView> {
    return new Map(Object.entries(this.fleet.links).map(([subject, l]) => [subject, linkHealthView(l)]));
  }

  openIncident() {
    return this.conv.open;
  }

  incidents(q: { since?: number; node?: string; limit?: number } = {}): StoredIncident[] {
    return this.repo.incidents(q);
  }

  /** Stores events, feeds churn and the event-driven alerts; returns them with ids. */
  private record(events: DetectEvent[]): StoredEvent[] {
    if (events.length === 0) return [];
    const stored = this.repo.insertEvents(events);
    for (const e of stored) if (e.code === "node_rebooted" || (e.code === "node_online" && e.before !== null)) this.backAt.set(e.node, e.ts);
    const ch = stepChurn(this.churn, stored, this.cfg.churn);
    this.churn = ch.state;
    for (const e of stored) for (const a of actionsForEvent(e)) this.apply(a, e.ts);
    for (const t of ch.transitions) this.apply(actionsForChurn(t), t.ts);
    return stored;
  }

  private evaluate(now: number): void {
    const ev = evaluateChurn(this.churn, now, this.cfg.churn);
    this.churn = ev.state;
    for (const t of ev.transitions) this.apply(actionsForChurn(t), t.ts);
  }

  private closeIncidents(closed: ClosedIncident[]): void {
    for (const c of closed) {
      const stored = this.repo.insertIncident(c);
      this.o.log.info({ incident: stored.id, durationMs: c.durationMs, nodes: c.nodes, trigger: c.trigger.code }, "routing converged");
      this.apply(actionsForIncident(stored, this.cfg.convergence.slowMs), c.endTs);
    }
  }

  private apply(a: AlertAction, ts: number): void {
    if (a.type === "raise") {
      if (this.fold(a.input, ts)) return;
      // One route_flapping alert per prefix, named after its origin (owner, upstream churner or first to churn).
      const input = a.input.code === "route_flapping" && !this.alerts.isOpen(a.input.code, a.input.subject) ? routeFlapOrigin(a.input, { churn: this.churn, fleet: this.fleet, cfg: this.cfg.churn, ts, events: (ids) => this.repo.eventsByIds(ids) }) : a.input;
      const text = input.text ?? (this.alerts.isOpen(input.code, input.subject) ? undefined : alertText(input, this.repo.eventsByIds(input.evidence.eventIds.slice(-200)), this.o.clock.now()));
      const job = this.alerts.isOpen(input.code, input.subject) ? null : this.jobQuietFor(input, ts);
      const withJob = job ? { ...input, evidence: { ...input.evidence, detail: { ...input.evidence.detail, job: { id: job.window.jobId, template: job.window.template, node: job.window.node } } } } : input;
      this.alerts.raise(text ? { ...withJob, text } : withJob, ts, job?.silence ?? null);
      if (input.subject !== a.input.subject) this.alerts.absorb({ code: input.code, subject: input.subject }, a.input, ts);
    } else if (a.code === "route_flapping") {
      // The prefix's alert (whatever node it names) resolves once no node churns on the prefix any more.
      const open = shouldResolvePrefix(a.subject, this.alerts.openAlerts(), this.churn);
      if (open) this.alerts.resolve(a.code, open.subject, ts, { eventIds: a.eventIds, scores: this.churn[open.subject]?.history ?? this.churn[a.subject]?.history ?? [] });
    } else {
      const cur = this.alerts.get(a.code, a.subject);
      const scores = a.code.endsWith("_flapping") ? (this.churn[a.subject]?.history ?? []) : [];
      if (cur) this.alerts.resolve(a.code, a.subject, ts, { eventIds: a.eventIds, scores, ...(a.summary ? { summary: `${cur.summary}; resolved: ${a.summary}` } : {}) });
    }
  }

  /**
   * Config jobs' apply-and-verify windows as silences (`kind: job`, one per job and node,
   * `createdBy: job:<id>`), renewed while the node's job runs and ended a grace after it finished.
   */
  private syncJobs(now: number): void {
    const grace = this.o.jobGraceMs ?? JOB_GRACE_MS;
    const recent = this.jobs.list(50).filter((j) => j.status === "running" || j.status === "halted" || (j.finishedAt !== null && now - j.finishedAt <= grace) || j.updatedAt >= now - grace);
    if (recent.length === 0 && this.jobQuiet.length === 0) return;
    const progress = recent.map((j) => ({ id: j.id, template: j.template, nodes: this.jobs.rollout(j.id)?.nodes ?? [] }));
    this.jobQuiet = jobWindows(progress, now, grace).map((window) => ({
      window,
      silence: this.silences.putJobSilence({ node: window.node, fromTs: window.fromTs, untilTs: window.untilTs, reason: `config job ${window.jobId} (${window.template}): apply and verify`, createdBy: jobActor(window.jobId), createdAt: now }),
    }));
  }

  /** The config job whose window covers this symptom (its node, its link's nodes, the nodes its evidence goes through). */
  private jobQuietFor(input: AlertInput, ts: number): { window: JobWindow; silence: Silence } | null {
    if (this.jobQuiet.length === 0) return null;
    const nodes = symptomKeys(input, this.repo.eventsByIds(input.evidence.eventIds.slice(-200)), this.fleet).filter((k) => !k.startsWith("prefix:"));
    const w = windowFor(
      this.jobQuiet.map((q) => q.window),
      nodes,
      ts,
    );
    return w ? (this.jobQuiet.find((q) => q.window === w) ?? null) : null;
  }

  /** Folds a symptom into its cause's alert (true) instead of opening it (see fold.ts). */
  private fold(input: AlertInput, ts: number): boolean {
    if (!canFold(input.code) || this.alerts.isOpen(input.code, input.subject)) return false;
    const now = this.o.clock.now();
    const flapStart = (a: { evidence: { scores: { ts: number; score: number }[] } }) => episodeStart({ history: a.evidence.scores }, this.cfg.churn);
    const causes = currentCauses({ open: this.alerts.openAlerts(), resolved: this.alerts.list({ state: "resolved", since: now - FOLD_WINDOW_MS, limit: 500 }), fleet: this.fleet, backAt: this.backAt, now, flapStart });
    const keys = symptomKeys(input, this.repo.eventsByIds(input.evidence.eventIds.slice(-200)), this.fleet);
    const c = findCause({ code: input.code, subject: input.subject, keys, ...(input.code === "route_flapping" ? { startTs: flapStart(input) } : {}) }, causes, now);
    if (!c) return false;
    if (c.alert) this.alerts.absorb({ ...c.alert, ...(c.id !== undefined ? { id: c.id } : {}) }, input, ts);
    this.o.log.info({ symptom: `${input.code} ${input.subject}`, cause: c.label }, "alert folded into its cause");
    return true;
  }

  private setLint(node: string, next: LintNode, touched: Set<string>): void {
    const prev = this.lint.get(node);
    if (prev && JSON.stringify(prev) === JSON.stringify(next)) return;
    this.lint.set(node, next);
    touched.add(node);
  }

  private save(now: number, prevChurn: ChurnState, nodes: Set<string>, lintNodes: Set<string>, links: Set<string>): void {
    for (const n of nodes) this.repo.putState(`node:${n}`, this.fleet.nodes[n], now);
    for (const l of links) if (this.fleet.links[l]) this.repo.putState(`linkq:${l}`, this.fleet.links[l], now);
    for (const n of lintNodes) this.repo.putState(`lint:${n}`, this.lint.get(n), now);
    this.repo.putState("presence", this.fleet.presence, now);
    this.repo.putState("stations", this.fleet.stations, now);
    this.repo.putState("convergence", this.conv, now);
    this.repo.saveScores(prevChurn, this.churn);
  }
}

type DetectEvent = Parameters<DetectRepository["insertEvents"]>[0][number];
