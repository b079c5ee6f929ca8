import type { Alert } from "@meshfleet/shared";
import type { Logger } from "../log";
import type { AlertSink } from "../alerts/types";
import type { NotificationsConfig, NotifyTarget } from "./config";
import { alertMessage, digestMessage, type NotifyMessage } from "./message";
import { maskedUrl, notifyRequest, type NotifyRequest } from "./payloads";
import { fullBucket, takeToken, type Bucket } from "./rate-limit";
import { NotifyError, post as httpPost } from "./post";

/** Timers, injectable so tests can fire them. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface NotificationDeps {
  log: Logger;
  now?: () => number;
  timers?: Timers;
  /** Sends one request (default: fetch with retries); resolves when delivered, rejects with a NotifyError when it gave up. */
  post?: (req: NotifyRequest, target: NotifyTarget) => Promise<void>;
  /** Asked just before sending: false for an alert acknowledged or silenced meanwhile (it is then dropped, not sent). */
  stillNotify?: (a: Alert) => boolean;
}

interface Pending {
  alert: Alert;
  done: (() => void)[];
}

/** One target's queue: the changes of the current window, its rate-limit bucket, its send chain. */
interface TargetQueue {
  target: NotifyTarget;
  pending: Map<string, Pending>;
  timer: unknown;
  bucket: Bucket;
  /** Set when the rate limit held messages back: the next send is one digest of everything waiting. */
  limited: boolean;
  chain: Promise<void>;
}

/**
 * Notifications people use (ntfy, Slack/Mattermost, JSON webhooks) as one alert sink:
 * each target gets only its severities; changes arriving within `groupWaitMs` of the
 * first are sent together, as one digest from `digestFrom` changes; each target has a
 * rate limit, and what it holds back waits and goes out as one digest when the limit
 * allows. A change of the same alert replaces the earlier one in the window. Alerts
 * acknowledged or silenced before their turn are dropped. A target with `group: false`
 * gets every change at once on its own. URLs, tokens and headers never
 * appear in logs or errors (the target's name does).
 */
export class NotificationSink implements AlertSink {
  readonly name = "notifications";
  private readonly queues: TargetQueue[];
  private readonly now: () => number;
  private readonly timers: Timers;
  private readonly post: (req: NotifyRequest, target: NotifyTarget) => Promise<void>;

  constructor(
    private readonly config: NotificationsConfig,
    private readonly deps: NotificationDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.timers = deps.timers ?? realTimers;
    this.post = deps.post ?? httpPost;
    this.queues = config.targets.map((target) => ({ target, pending: new Map(), timer: null, bucket: fullBucket(config.rateLimit, this.now()), limited: false, chain: Promise.resolve() }));
  }

  /** Queues the change for every target that takes its severity; resolves once it was sent, dropped or given up on. */
  deliver(alert: Alert): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const q of this.queues) {
      if (!q.target.severities.includes(alert.severity)) continue;
      if (!q.target.group) {
        waits.push(new Promise<void>((resolve) => this.send(q, alertMessage(alert), [{ alert, done: [resolve] }])));
        continue;
      }
      waits.push(
        new Promise<void>((resolve) => {
          const prev = q.pending.get(alert.id);
          q.pending.set(alert.id, { alert, done: [...(prev?.done ?? []), resolve] });
        }),
      );
      if (q.timer === null) q.timer = this.timers.set(() => this.flush(q), this.config.groupWaitMs);
    }
    return Promise.all(waits).then(() => undefined);
  }

  /** Sends everything waiting now, one digest per target, whatever the window and the rate limit (shutdown). */
  async close(): Promise<void> {
    for (const q of this.queues) {
      if (q.timer !== null) this.timers.clear(q.timer);
      q.timer = null;
      const batch = this.take(q, [...q.pending.values()]);
      if (batch.length > 0) this.send(q, batch.length === 1 ? alertMessage(batch[0]!.alert) : digestMessage(batch.map((p) => p.alert)), batch);
    }
    await Promise.all(this.queues.map((q) => q.chain));
  }

  private flush(q: TargetQueue): void {
    q.timer = null;
    let batch = this.take(q, [...q.pending.values()]);
    while (batch.length > 0) {
      const asDigest = batch.length >= (q.limited ? 2 : this.config.digestFrom);
      const t = takeToken(q.bucket, this.config.rateLimit, this.now());
      q.bucket = t.bucket;
      if (!t.ok) {
        // Over the limit: keep what is left; it goes out as one digest when a token is back.
        for (const p of batch) q.pending.set(p.alert.id, p);
        q.limited = true;
        this.deps.log.info({ target: q.target.name, waiting: batch.length, retryInMs: t.retryAtMs - this.now() }, "notification rate limit reached; the waiting alerts go out as one digest");
        q.timer = this.timers.set(() => this.flush(q), t.retryAtMs - this.now());
        return;
      }
      q.limited = false;
      if (asDigest) {
        this.send(q, digestMessage(batch.map((p) => p.alert)), batch);
        batch = [];
      } else {
        const [first, ...rest] = batch;
        this.send(q, alertMessage(first!.alert), [first!]);
        batch = rest;
      }
    }
  }

  /** Empties the queue, dropping (and settling) alerts that must not notify any more. */
  private take(q: TargetQueue, entries: Pending[]): Pending[] {
    q.pending.clear();
    const keep: Pending[] = [];
    for (const p of entries) {
      if (this.deps.stillNotify && !this.deps.stillNotify(p.alert)) for (const d of p.done) d();
      else keep.push(p);
    }
    return keep.sort((a, b) => a.alert.openedAt - b.alert.openedAt || Number(a.alert.id) - Number(b.alert.id));
  }

  private send(q: TargetQueue, m: NotifyMessage, batch: Pending[]): void {
    const req = notifyRequest(q.target, m);
    q.chain = q.chain
      .then(() => this.post(req, q.target))
      .catch((err: unknown) => {
        const code = err instanceof NotifyError ? err.code : "notify_failed";
        this.deps.log.warn({ target: q.target.name, kind: q.target.kind, url: maskedUrl(q.target.url), code, error: err instanceof NotifyError ? err.message : "request failed", alerts: m.alerts.map((a) => a.id) }, "a notification target gave up");
      })
      .finally(() => {
        for (const p of batch) for (const d of p.done) d();
      });
  }
}
