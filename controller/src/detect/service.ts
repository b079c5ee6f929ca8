import type { IngestItem } from "../ingest/decode";
import type { Logger } from "../log";
import type { Clock, StoreApi } from "../store/index";
import { AlertManager } from "../alerts/manager";
import { AlertsRepository } from "../alerts/repo";
import { SilencesRepository } from "../alerts/silences";
import type { AlertSink } from "../alerts/types";
import { actionsForChurn, actionsForEvent, actionsForIncident, lintInput, type AlertAction } from "./alert-rules";
import { evaluateChurn, rollup, stepChurn, type ChurnState, type StoredEvent } from "./churn-score";
import { emptyConvergence, stepConvergence, tickConvergence, type ClosedIncident, type ConvergenceState } from "./convergence";
import { isLateSnapshot } from "./nodes";
import { ReloadingTransactions } from "./reloading-transactions";
import { detectConfig, emptyFleet, stepSnapshot, tickFleet, type DetectConfig, type FleetState, type NodeDetectState } from "./fleet";
import { lintFleet, type LintNode } from "./lint";
import { lintFromHello, lintFromSnapshot } from "./lint-input";
import { DetectRepository, type StoredIncident } from "./repo";
import type { AlertInput } from "../alerts/types";
import { alertText } from "./alert-text";
import { canFold, findCause, FOLD_WINDOW_MS } from "./fold";
import { currentCauses, symptomKeys } from "./fold-inputs";
import { routeFlapOrigin, shouldResolvePrefix } from "./flap-origin-input";
import { episodeStart, prefixOfRouteSubject } from "./flap-origin";
import { JobsRepository } from "../jobs/repo";
import { JOB_GRACE_MS, jobActor, jobWindows, windowFor, type JobWindow } from "./job-quiet";
import type { Silence } from "../alerts/silences";
import { linkHealthView, type LinkHealthView, type LinkState } from "./link-health";
import { subjectOf, type Resolver } from "./types";
import { split, splitBy } from "./ownership";
import { catchUpTimestamps, joinStations, timestampRows, TIMESTAMP_STATE_PERIOD_MS, type StoredStations } from "./state-timestamps";

export interface DetectionServiceOptions {
  store: StoreApi;
  clock: Clock;
  log: Logger;
  config?: Parameters<typeof detectConfig>[0];
  sinks?: readonly AlertSink[];
  /** Events older than this are deleted by `tick` (default 30 days). */
  eventRetentionMs?: number;
  /** How long after a node finished a config job its alerts are still the job's (default 2 min). */
  jobGraceMs?: number;
  /** How often state whose only change is timestamps is written (default `TIMESTAMP_STATE_PERIOD_MS`). */
  timestampStatePeriodMs?: number;
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
  private readonly transactions: ReloadingTransactions;
  /** When nodes came back from a reboot or an outage (folding window). */
  private readonly backAt = new Map<string, number>();
  private macs: Map<string, string> | null = null;
  private readonly jobs: JobsRepository;
  /** Config jobs' quiet windows and their silences, as of the last sync. */
  private jobQuiet: { window: JobWindow; silence: Silence }[] = [];
  private addrs: Map<string, string> | null = null;
  readonly resolver: Resolver;
  /** Several controllers: the nodes whose detection runs here (null: every node). */
  private owns: ((node: string) => boolean) | null = null;

  constructor(private readonly o: DetectionServiceOptions) {
    this.cfg = detectConfig(o.config);
    this.transactions = new ReloadingTransactions(o.store, () => this.loadNow());
    this.repo = new DetectRepository(o.store.sql);
    this.silences = new SilencesRepository(o.store.sql);
    this.jobs = new JobsRepository(o.store);
    this.alerts = new AlertManager({ repo: new AlertsRepository(o.store.sql), store: o.store, sinks: o.sinks ?? [], log: o.log, silences: this.silences });
    // MAC/address -> node maps, read again after hellos (stored before the batch's detection runs), at load and at each tick.
    this.resolver = {
      mac: (m) => this.macs?.get(m.toLowerCase()) ?? null,
      address: (a) => this.addrs?.get(a.toLowerCase().replace(/%.*$/, "")) ?? null,
    };
  }

  private async readMaps(): Promise<void> {
    this.macs = await this.o.store.nodes.macMap();
    this.addrs = await this.o.store.nodes.addressMap();
  }

  /** Rebuilds detector state, scores and open alerts from the store. */
  load(): Promise<void> {
    return this.inTransaction(() => this.loadNow());
  }

  private async loadNow(): Promise<void> {
    const fleet = emptyFleet();
    this.lint.clear();
    const state = await this.repo.allState();
    for (const [key, value] of state) {
      if (key.startsWith("node:")) fleet.nodes[key.slice(5)] = value as NodeDetectState;
      else if (key.startsWith("lint:")) this.lint.set(key.slice(5), value as LintNode);
      else if (key === "presence") fleet.presence = value as FleetState["presence"];
      else if (key === "stations" && typeof value === "object" && value !== null && "byMac" in value) fleet.stations = joinStations(value as StoredStations, (state.get("stations-seen") ?? {}) as Record<string, number>);
      else if (key === "convergence") this.conv = value as ConvergenceState;
      else if (key.startsWith("linkq:")) fleet.links[key.slice(6)] = value as LinkState;
    }
    catchUpTimestamps(fleet.presence, fleet.stations, new Map((await this.o.store.telemetry.states()).map((s) => [s.nodeId, s])));
    // The controller was down, not the nodes: give every node a fresh offline window from now.
    const now = this.o.clock.now();
    for (const p of Object.values(fleet.presence)) p.lastRecv = Math.max(p.lastRecv, now);
    this.fleet = fleet;
    this.churn = await this.repo.loadScores();
    await this.alerts.load();
    await this.alerts.refreshSilences(now);
    await this.readMaps();
  }

  /**
   * Several controllers share the store (issue 18): this one detects only for the nodes
   * `owns` accepts (its partitions'); offline checks and score decay skip the others, the
   * open alerts are re-read before each pass (another controller may have opened some),
   * and the fleet-wide presence is saved merged with what the others saved.
   */
  setOwnership(owns: ((node: string) => boolean) | null): void {
    this.owns = owns;
  }

  /** Ingest listener: the accepted items of one committed batch, in order. */
  handle(items: readonly IngestItem[]): Promise<void> {
    return this.inTransaction(async () => {
      const now = this.o.clock.now();
      if (this.owns) await this.alerts.load();
      if (this.macs === null || items.some((it) => it.kind === "hello")) await this.readMaps();
      const prevChurn = this.churn;
      const touched = new Set<string>();
      const lintTouched = new Set<string>();
      const linksTouched = new Set<string>();
      await this.syncJobs(now);
      for (const it of items) {
        if (it.kind === "hello") {
          this.setLint(it.msg.node, lintFromHello(this.lint.get(it.msg.node) ?? null, it.msg), lintTouched);
          continue;
        }
        if (it.kind !== "snapshot") continue;
        const s = it.msg;
        if (isLateSnapshot(this.fleet.presence, s)) continue;
        const peersBefore = this.fleet.nodes[s.node]?.meshPeers;
        const r = stepSnapshot(this.fleet, s, now, this.resolver, this.cfg);
        this.fleet = r.state;
        touched.add(s.node);
        for (const mac of [...Object.keys(peersBefore ?? {}), ...Object.keys(this.fleet.nodes[s.node]?.meshPeers ?? {})]) linksTouched.add(subjectOf.link(s.node, this.resolver.mac(mac) ?? mac));
        this.setLint(s.node, lintFromSnapshot(this.lint.get(s.node) ?? null, s), lintTouched);
        const stored = await this.record(r.events);
        const c = stepConvergence(this.conv, s.node, s.ts, stored, this.cfg.convergence);
        this.conv = c.state;
        await this.closeIncidents(c.closed);
      }
      await this.evaluate(now);
      if (lintTouched.size > 0) await this.alerts.reconcile("lint", lintFleet([...this.lint.values()]).map(lintInput), now);
      await this.save(now, prevChurn, touched, lintTouched, linksTouched);
    });
  }

  /** Time passed: offline nodes, stations that left, score decay, silent convergence incidents, event retention. */
  async tick(now: number = this.o.clock.now()): Promise<void> {
    await this.inTransaction(async () => {
      const prevChurn = this.churn;
      if (this.owns) await this.alerts.load();
      await this.readMaps();
      await this.syncJobs(now);
      const owns = this.owns;
      const r = tickFleet(owns ? { ...this.fleet, presence: split(this.fleet.presence, owns).mine } : this.fleet, now, this.cfg);
      this.fleet = owns ? { ...r.state, presence: { ...split(this.fleet.presence, owns).others, ...r.state.presence } } : r.state;
      await this.record(r.events);
      const linksTouched = new Set(r.events.filter((e) => e.code === "mesh_link_down").map((e) => e.subject));
      const c = tickConvergence(this.conv, now, this.cfg.convergence);
      this.conv = c.state;
      await this.closeIncidents(c.closed);
      await this.evaluate(now);
      await this.save(now, prevChurn, new Set(), new Set(), linksTouched);
    });
    const retention = this.o.eventRetentionMs ?? 30 * 24 * 3600_000;
    if (now - this.lastPrune > 3600_000) {
      this.lastPrune = now;
      await this.repo.pruneEvents(now - retention);
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

  incidents(q: { since?: number; node?: string; limit?: number } = {}): Promise<StoredIncident[]> {
    return this.repo.incidents(q);
  }

  /** Stores events, feeds churn and the event-driven alerts; returns them with ids. */
  private async record(events: DetectEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    const stored = await this.repo.insertEvents(events);
    for (const e of stored) if (e.code === "node_rebooted" || (e.code === "node_online" && e.before !== null)) this.backAt.set(e.node, e.ts);
    const ch = stepChurn(this.churn, stored, this.cfg.churn);
    this.churn = ch.state;
    for (const e of stored) for (const a of actionsForEvent(e)) await this.apply(a, e.ts);
    for (const t of ch.transitions) await this.apply(actionsForChurn(t), t.ts);
    return stored;
  }

  private async evaluate(now: number): Promise<void> {
    const owns = this.owns;
    const parts = owns ? splitBy(this.churn, (e) => owns(e.node)) : { mine: this.churn, others: {} };
    // A node's scores are judged up to its last snapshot while it is online (its next one may
    // still carry churn from before now); an offline node's, at now.
    const presence = this.fleet.presence;
    const knownUntil = (node: string) => {
      const p = presence[node];
      return p?.online ? Math.min(now, p.lastTs) : now;
    };
    const ev = evaluateChurn(parts.mine, knownUntil, this.cfg.churn);
    this.churn = { ...parts.others, ...ev.state };
    for (const t of ev.transitions) await this.apply(actionsForChurn(t), t.ts);
  }

  private async closeIncidents(closed: ClosedIncident[]): Promise<void> {
    for (const c of closed) {
      const stored = await this.repo.insertIncident(c);
      this.o.log.info({ incident: stored.id, durationMs: c.durationMs, nodes: c.nodes, trigger: c.trigger.code }, "routing converged");
      await this.apply(actionsForIncident(stored, this.cfg.convergence.slowMs), c.endTs);
    }
  }

  private async apply(a: AlertAction, ts: number): Promise<void> {
    if (a.type === "raise") {
      if (await this.fold(a.input, ts)) return;
      // One route_flapping alert per prefix, named after its origin (owner, upstream churner or first to churn).
      const input = a.input.code === "route_flapping" && !this.alerts.isOpen(a.input.code, a.input.subject) ? routeFlapOrigin(a.input, { churn: this.churn, fleet: this.fleet, cfg: this.cfg.churn, ts, events: await this.prefixEvents(a.input.subject) }) : a.input;
      const text = input.text ?? (this.alerts.isOpen(input.code, input.subject) ? undefined : alertText(input, await this.repo.eventsByIds(input.evidence.eventIds.slice(-200)), this.o.clock.now()));
      const job = this.alerts.isOpen(input.code, input.subject) ? null : await this.jobQuietFor(input, ts);
      const withJob = job ? { ...input, evidence: { ...input.evidence, detail: { ...input.evidence.detail, job: { id: job.window.jobId, template: job.window.template, node: job.window.node } } } } : input;
      await this.alerts.raise(text ? { ...withJob, text } : withJob, ts, job?.silence ?? null);
      if (input.subject !== a.input.subject) await this.alerts.absorb({ code: input.code, subject: input.subject }, a.input, ts);
    } else if (a.code === "route_flapping") {
      // The prefix's alert (whatever node it names) resolves once no node churns on the prefix any more.
      const open = shouldResolvePrefix(a.subject, this.alerts.openAlerts(), this.churn);
      if (open) await this.alerts.resolve(a.code, open.subject, ts, { eventIds: a.eventIds, scores: this.churn[open.subject]?.history ?? this.churn[a.subject]?.history ?? [] });
    } else {
      const cur = this.alerts.get(a.code, a.subject);
      const scores = a.code.endsWith("_flapping") ? (this.churn[a.subject]?.history ?? []) : [];
      if (cur) await this.alerts.resolve(a.code, a.subject, ts, { eventIds: a.eventIds, scores, ...(a.summary ? { summary: `${cur.summary}; resolved: ${a.summary}` } : {}) });
    }
  }

  /**
   * Config jobs' apply-and-verify windows as silences (`kind: job`, one per job and node,
   * `createdBy: job:<id>`), renewed while the node's job runs and ended a grace after it finished.
   */
  private async syncJobs(now: number): Promise<void> {
    const grace = this.o.jobGraceMs ?? JOB_GRACE_MS;
    const recent = (await this.jobs.list(50)).filter((j) => j.status === "running" || j.status === "halted" || (j.finishedAt !== null && now - j.finishedAt <= grace) || j.updatedAt >= now - grace);
    if (recent.length === 0 && this.jobQuiet.length === 0) return;
    const progress = [];
    for (const j of recent) progress.push({ id: j.id, template: j.template, nodes: (await this.jobs.rollout(j.id))?.nodes ?? [] });
    const windows = jobWindows(progress, now, grace);
    const held = await this.silences.putJobSilences(windows.map((w) => ({ node: w.node, fromTs: w.fromTs, untilTs: w.untilTs, reason: `config job ${w.jobId} (${w.template}): apply and verify`, createdBy: jobActor(w.jobId), createdAt: now })));
    this.jobQuiet = windows.map((window, i) => ({ window, silence: held[i]! }));
  }

  /** The stored events of every churn entry on the prefix of a route subject, by id (flap origin's input). */
  private async prefixEvents(subject: string): Promise<(ids: number[]) => StoredEvent[]> {
    const prefix = prefixOfRouteSubject(subject);
    const ids = Object.entries(this.churn).flatMap(([s, e]) => (s.startsWith("route:") && prefixOfRouteSubject(s) === prefix ? e.eventIds.slice(-50) : []));
    const byId = new Map((await this.repo.eventsByIds([...new Set(ids)])).map((e) => [e.id, e]));
    return (wanted) => wanted.flatMap((id) => byId.get(id) ?? []);
  }

  /** The config job whose window covers this symptom (its node, its link's nodes, the nodes its evidence goes through). */
  private async jobQuietFor(input: AlertInput, ts: number): Promise<{ window: JobWindow; silence: Silence } | null> {
    if (this.jobQuiet.length === 0) return null;
    const nodes = symptomKeys(input, await this.repo.eventsByIds(input.evidence.eventIds.slice(-200)), this.fleet).filter((k) => !k.startsWith("prefix:"));
    const w = windowFor(
      this.jobQuiet.map((q) => q.window),
      nodes,
      ts,
    );
    return w ? (this.jobQuiet.find((q) => q.window === w) ?? null) : null;
  }

  /** Folds a symptom into its cause's alert (true) instead of opening it (see fold.ts). */
  private async fold(input: AlertInput, ts: number): Promise<boolean> {
    if (!canFold(input.code) || this.alerts.isOpen(input.code, input.subject)) return false;
    const now = this.o.clock.now();
    const flapStart = (a: { evidence: { scores: { ts: number; score: number }[] } }) => episodeStart({ history: a.evidence.scores }, this.cfg.churn);
    const causes = currentCauses({ open: this.alerts.openAlerts(), resolved: await this.alerts.list({ state: "resolved", since: now - FOLD_WINDOW_MS, limit: 500 }), fleet: this.fleet, backAt: this.backAt, now, flapStart });
    const keys = symptomKeys(input, await this.repo.eventsByIds(input.evidence.eventIds.slice(-200)), this.fleet);
    const c = findCause({ code: input.code, subject: input.subject, keys, ...(input.code === "route_flapping" ? { startTs: flapStart(input) } : {}) }, causes, now);
    if (!c) return false;
    if (c.alert) await this.alerts.absorb({ ...c.alert, ...(c.id !== undefined ? { id: c.id } : {}) }, input, ts);
    this.o.log.info({ symptom: `${input.code} ${input.subject}`, cause: c.label }, "alert folded into its cause");
    return true;
  }

  /** The store's transaction for a pass; after one rolled back, the next reloads first (reloading-transactions.ts). */
  inTransaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.transactions.run(fn);
  }

  private setLint(node: string, next: LintNode, touched: Set<string>): void {
    const prev = this.lint.get(node);
    if (prev && JSON.stringify(prev) === JSON.stringify(next)) return;
    this.lint.set(node, next);
    touched.add(node);
  }

  private async save(now: number, prevChurn: ChurnState, nodes: Set<string>, lintNodes: Set<string>, links: Set<string>): Promise<void> {
    const periodMs = this.o.timestampStatePeriodMs ?? TIMESTAMP_STATE_PERIOD_MS;
    // Several controllers: the others' nodes as they saved them, this one's as it knows them.
    const owns = this.owns;
    const presence = owns ? { ...split((await this.repo.getState<FleetState["presence"]>("presence")) ?? {}, owns).others, ...split(this.fleet.presence, owns).mine } : this.fleet.presence;
    const states: { key: string; value: unknown }[] = [...[...nodes].map((n) => ({ key: `node:${n}`, value: this.fleet.nodes[n] })), ...[...links].filter((l) => this.fleet.links[l]).map((l) => ({ key: `linkq:${l}`, value: this.fleet.links[l] }))];
    states.push(...[...lintNodes].map((n) => ({ key: `lint:${n}`, value: this.lint.get(n) })), { key: "convergence", value: this.conv });
    await this.repo.putStates([...states, ...timestampRows(presence, this.fleet.stations, periodMs)], now);
    await this.repo.saveScores(prevChurn, this.churn);
  }
}

type DetectEvent = Parameters<DetectRepository["insertEvents"]>[0][number];
