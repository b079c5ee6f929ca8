/**
 * A small Prometheus registry (text exposition format 0.0.4): counters and gauges with
 * labels, plus collectors that compute gauges when scraped (fleet state from the store).
 */
export type Labels = Record<string, string>;

type Kind = "counter" | "gauge";

interface Family {
  name: string;
  help: string;
  kind: Kind;
  values: Map<string, { labels: Labels; value: number }>;
}

export interface Sample {
  labels?: Labels;
  value: number;
}

export interface CollectedFamily {
  name: string;
  help: string;
  kind: Kind;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",");
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function formatLabels(labels: Labels | undefined): string {
  if (!labels) return "";
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "";
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(",")}}`;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

export class Counter {
  constructor(protected readonly f: Family) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(labels);
    const cur = this.f.values.get(k);
    if (cur) cur.value += by;
    else this.f.values.set(k, { labels, value: by });
  }
  get(labels: Labels = {}): number {
    return this.f.values.get(labelKey(labels))?.value ?? 0;
  }
}

export class Gauge extends Counter {
  set(labels: Labels, value: number): void {
    this.f.values.set(labelKey(labels), { labels, value });
  }
}

export class Registry {
  private readonly families = new Map<string, Family>();
  private readonly collectors: (() => CollectedFamily[])[] = [];

  private family(name: string, help: string, kind: Kind): Family {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    let f = this.families.get(name);
    if (!f) this.families.set(name, (f = { name, help, kind, values: new Map() }));
    return f;
  }

  counter(name: string, help: string): Counter {
    return new Counter(this.family(name, help, "counter"));
  }

  gauge(name: string, help: string): Gauge {
    return new Gauge(this.family(name, help, "gauge"));
  }

  /** Adds a collector run at every scrape. */
  collect(fn: () => CollectedFamily[]): void {
    this.collectors.push(fn);
  }

  render(): string {
    const out: string[] = [];
    const emit = (name: string, help: string, kind: Kind, samples: Sample[]) => {
      out.push(`# HELP ${name} ${help.replace(/\n/g, " ")}`, `# TYPE ${name} ${kind}`);
      for (const s of samples) out.push(`${name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
    };
    for (const f of this.families.values()) emit(f.name, f.help, f.kind, [...f.values.values()]);
    for (const c of this.collectors) for (const f of c()) emit(f.name, f.help, f.kind, f.samples);
    return `${out.join("\n")}\n`;
  }
}
