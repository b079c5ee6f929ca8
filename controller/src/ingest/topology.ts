import type { NatsConnection } from "@nats-io/transport-node";
import { nanos } from "@nats-io/transport-node";
import { DiscardPolicy, StorageType, jetstreamManager, type JetStreamManager, type StreamInfo, type StreamSource } from "@nats-io/jetstream";
import { ConfigError, SITE_STREAM, TELEMETRY_STREAM, TELEMETRY_STREAM_SUBJECTS } from "@meshfleet/shared";
import type { Logger } from "../log";

/**
 * The telemetry stream across NATS topologies: its replicas in a cluster, and the site
 * streams on leaf nodes (each in its own JetStream domain) that it sources.
 */

/** "auto": 3 when the server the controller reached is a cluster member (its INFO names a cluster), else 1. */
export function streamReplicas(replicas: number | "auto", nc: Pick<NatsConnection, "info">): number {
  if (replicas === "auto") return nc.info?.cluster ? 3 : 1;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) throw new ConfigError(`stream replicas: 1 to 5, got ${String(replicas)}`);
  return replicas;
}

const DOMAIN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

/** The telemetry stream's sources: the site stream of each site's JetStream domain. */
export function siteSources(sites: readonly string[]): StreamSource[] {
  for (const s of sites) if (!DOMAIN.test(s)) throw new ConfigError(`site: expected a JetStream domain name (letters, digits, - or _), got ${JSON.stringify(s)}`);
  if (new Set(sites).size !== sites.length) throw new ConfigError("sites: listed twice");
  return [...sites].sort().map((domain) => ({ name: SITE_STREAM, domain }));
}

const sourceKey = (s: StreamSource): string => `${s.name}@${s.external?.api ?? (s.domain ? `$JS.${s.domain}.API` : "")}`;

/**
 * Brings an existing stream to the configured replicas and adds missing site sources
 * (never removes one: a site taken out of the list may still hold unsent telemetry).
 */
export async function reconcileStream(jsm: JetStreamManager, info: StreamInfo, replicas: number, sources: readonly StreamSource[], log: Logger): Promise<void> {
  const have = new Set((info.config.sources ?? []).map(sourceKey));
  const missing = sources.filter((s) => !have.has(sourceKey(s)));
  const current = info.config.num_replicas ?? 1;
  if (current === replicas && missing.length === 0) return;
  await jsm.streams.update(TELEMETRY_STREAM, {
    ...info.config,
    num_replicas: replicas,
    sources: [...(info.config.sources ?? []), ...missing],
  });
  log.info({ stream: TELEMETRY_STREAM, replicas: [current, replicas], addedSources: missing.map((s) => s.domain) }, "updated the telemetry stream");
}

export interface SiteStreamsOptions {
  nc: NatsConnection;
  sites: readonly string[];
  log: Logger;
  maxAgeMs: number;
  maxBytes: number;
  maxMsgSize: number;
  /** Retry for sites not reachable yet (default 10 s). */
  retryMs?: number;
}

/**
 * Creates the site stream on each site's leaf node through its domain's JetStream API,
 * retrying in the background for sites whose uplink is down: until it exists, the site's
 * agents get no acknowledgement there and keep their snapshots in their own buffers.
 */
export class SiteStreams {
  private readonly pending: Set<string>;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Sites whose stream is known to exist. */
  readonly ready = new Set<string>();

  constructor(private readonly o: SiteStreamsOptions) {
    this.pending = new Set(o.sites);
    this.tick();
  }

  private tick(): void {
    if (this.stopped || this.pending.size === 0) return;
    this.running = this.ensureAll().finally(() => {
      if (this.stopped || this.pending.size === 0) return;
      this.timer = setTimeout(() => this.tick(), this.o.retryMs ?? 10_000);
      this.timer.unref();
    });
  }

  private async ensureAll(): Promise<void> {
    for (const site of [...this.pending]) {
      try {
        await this.ensure(site);
        this.pending.delete(site);
        this.ready.add(site);
      } catch (err) {
        this.o.log.warn({ site, error: (err as Error).message }, "site stream not reachable yet; retrying");
      }
    }
  }

  private async ensure(site: string): Promise<void> {
    const jsm = await jetstreamManager(this.o.nc, { domain: site, timeout: 5000 });
    try {
      await jsm.streams.info(SITE_STREAM);
      return;
    } catch (err) {
      if (!/not found/i.test((err as Error).message)) throw err;
    }
    await jsm.streams.add({
      name: SITE_STREAM,
      subjects: [...TELEMETRY_STREAM_SUBJECTS],
      storage: StorageType.File,
      max_age: nanos(this.o.maxAgeMs),
      max_bytes: this.o.maxBytes,
      max_msg_size: this.o.maxMsgSize,
      discard: DiscardPolicy.Old,
      num_replicas: 1,
    });
    this.o.log.info({ site, stream: SITE_STREAM }, "created a site stream on its leaf node");
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
