import { createRequire } from "node:module";
import type * as PromClient from "prom-client";
import type { Counter, Gauge, Histogram } from "prom-client";

/**
 * The controller's Prometheus registry, on prom-client: counters, gauges and histograms
 * declared with their label names, Node's process metrics (CPU, memory, event loop lag,
 * handles, GC), and gauges computed when scraped (fleet state, open alerts, jobs) from
 * collectors that return whole families. `render()` is the text exposition at /metrics.
 */
export type Labels = Record<string, string>;

export interface Sample {
  labels?: Labels;
  value: number;
}

/** A gauge family a collector computes at each scrape: every sample it returns, and no other. */
export interface CollectedFamily {
  name: string;
  help: string;
  kind: "gauge";
  /** The label names every sample carries (prom-client declares them up front). */
  labelNames?: readonly string[];
  samples: Sample[];
}

export type { Counter, Gauge, Histogram };

const requireCjs = createRequire(import.meta.url);
let loaded: typeof PromClient | null = null;
/**
 * prom-client, loaded when the first registry is made: commands that never build one
 * (`--help`, `doctor`, `parse`) do not pay for its load (about 100 ms of a cold start).
 * It is CommonJS, so a synchronous require keeps the registry's constructor synchronous.
 */
function promClient(): typeof PromClient {
  return (loaded ??= requireCjs("prom-client") as typeof PromClient);
}

export class Registry {
  /** The prom-client registry behind this one (for what the helpers here do not cover). */
  readonly prom = new (promClient().Registry)();
  readonly contentType = this.prom.contentType;
  readonly #collected = new Map<string, Gauge>();
  readonly #collectors: (() => CollectedFamily[] | Promise<CollectedFamily[]>)[] = [];

  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new (promClient().Counter)({ name, help, labelNames, registers: [this.prom] });
  }

  gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new (promClient().Gauge)({ name, help, labelNames, registers: [this.prom] });
  }

  /** A histogram with explicit bucket bounds (upper bounds, in the metric's unit). */
  histogram<L extends string = never>(name: string, help: string, buckets: readonly number[], labelNames: readonly L[] = []): Histogram<L> {
    return new (promClient().Histogram)({ name, help, buckets: [...buckets], labelNames, registers: [this.prom] });
  }

  /** Node's process metrics (process_cpu_seconds_total, nodejs_eventloop_lag_seconds, …). */
  processMetrics(): void {
    promClient().collectDefaultMetrics({ register: this.prom });
  }

  /**
   * Adds a collector run at every scrape; each family it returns becomes a gauge (declared
   * the first time it is seen) that holds exactly the samples of the latest scrape.
   */
  collect(fn: () => CollectedFamily[] | Promise<CollectedFamily[]>): void {
    this.#collectors.push(fn);
  }

  async render(): Promise<string> {
    for (const c of this.#collectors) {
      for (const f of await c()) {
        let g = this.#collected.get(f.name);
        if (!g) {
          const labelNames = f.labelNames ?? [...new Set(f.samples.flatMap((s) => Object.keys(s.labels ?? {})))].sort();
          g = new (promClient().Gauge)({ name: f.name, help: f.help, labelNames, registers: [this.prom] });
          this.#collected.set(f.name, g);
        }
        g.reset();
        // Labels in name order, as the exposition printed them before prom-client (it keeps the object's order).
        for (const s of f.samples) g.set(Object.fromEntries(Object.entries(s.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))), s.value);
      }
    }
    return this.prom.metrics();
  }
}
