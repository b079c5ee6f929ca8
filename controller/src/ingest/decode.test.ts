import { describe, expect, it } from "vitest";
import { hello, jobStatus, snapshot, subjects } from "@meshfleet/shared";
import { z } from "zod";
import { decodeMessage, edgeSchemas } from "./decode";
import { buildHello, buildSnapshot } from "../../testing";
import { seededRandom } from "@meshfleet/testkit";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Container = Json[] | { [k: string]: Json };

function containers(v: Json, out: Container[] = []): Container[] {
  if (v !== null && typeof v === "object") {
    out.push(v);
    for (const c of Array.isArray(v) ? v : Object.values(v)) containers(c, out);
  }
  return out;
}

const POOL: Json[] = [null, true, false, 0, -1, 1.5, 2 ** 60, -0.0001, "", "x", "bench-1", "a".repeat(300), "Z Z", [], {}, [1], { a: 1 }];

/** One random change somewhere in the message: a value replaced, a key dropped or added, an array grown or emptied. */
function mutate(msg: Json, r: () => number): Json {
  const copy = structuredClone(msg);
  const cs = containers(copy);
  const c = cs[Math.floor(r() * cs.length)]!;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  if (Array.isArray(c)) {
    const op = r();
    if (c.length > 0 && op < 0.5) c[Math.floor(r() * c.length)] = pick(POOL);
    else if (op < 0.7) c.length = 0;
    else while (c.length < 20) c.push(c.length > 0 ? structuredClone(c[0]!) : pick(POOL));
  } else {
    const keys = Object.keys(c);
    const op = r();
    if (keys.length > 0 && op < 0.6) c[pick(keys)] = pick(POOL);
    else if (keys.length > 0 && op < 0.85) delete c[pick(keys)];
    else c[pick(["extra", "__proto__", "constructor", "v", "data"])] = pick(POOL);
  }
  return copy;
}

function same(compiled: z.core.$ZodType, runtime: z.core.$ZodType, input: unknown): void {
  const a = z.safeParse(compiled, input);
  const b = z.safeParse(runtime, input);
  expect(a.success).toBe(b.success);
  if (a.success && b.success) expect(a.data).toStrictEqual(b.data);
  else expect(JSON.stringify(a.error?.issues)).toBe(JSON.stringify(b.error?.issues));
}

const snap = buildSnapshot({ node: "bench-7", boot: "boot-0001", seq: 3, ts: 1_700_000_000_000 }) as unknown as Json;
const snapWithExtras = (() => {
  const s = structuredClone(snap) as { [k: string]: Json };
  const st = ((s.stations as { data: { stations: { [k: string]: Json }[] } }).data.stations[0]!);
  st.flags = { authorized: true, preamble: "long", "short slot time": "yes" };
  const rt = (s.routing as { data: { routes: { [k: string]: Json }[] } }).data.routes[0]!;
  rt.attrs = { "Babel.metric": "96", "BGP.as_path": "" };
  (s.counters as { [k: string]: Json }).errors = [{ code: "E_TIMEOUT", message: "nft timed out", command: "nft -j list ruleset" }];
  (s.system as { [k: string]: Json }).cachedFromTs = 1_699_999_000_000;
  delete s.dropped;
  delete (s.stations as { [k: string]: Json }).skipped;
  s.unknownTopLevel = { x: 1 };
  return s as Json;
})();
const hel = buildHello({ node: "bench-7", ts: 1_700_000_000_000, macs: ["02:00:00:00:00:01", "02:00:00:00:00:02"], linkLocal: ["fe80::1"] }) as unknown as Json;
const job: Json = { type: "jobStatus", v: 1, jobId: "job_0123456789", node: "bench-7", boot: "boot-0001", ts: 1_700_000_000_000, state: "applied", reason: null, step: "reload wifi" };

describe("edge schemas (zod AOT-compiled) accept, build and reject exactly like the shared schemas", () => {
  it("builds the same value for valid messages (defaults applied, unknown keys stripped)", () => {
    for (const m of [snap, snapWithExtras]) same(edgeSchemas.telemetry, snapshot, m);
    same(edgeSchemas.hello, hello, hel);
    same(edgeSchemas.jobStatus, jobStatus, job);
    const out = edgeSchemas.telemetry.parse(snapWithExtras);
    expect(out.dropped).toBe(0);
    expect(out.stations.skipped).toBe(0);
    expect("unknownTopLevel" in out).toBe(false);
    expect(out.stations.data?.stations[0]?.flags).toEqual({ authorized: true, preamble: "long", "short slot time": "yes" });
  });

  it("agrees with the runtime parser on 4,000 randomly broken messages (same verdict, value or issues)", () => {
    const r = seededRandom(20261123);
    let rejected = 0;
    const cases: [z.core.$ZodType, z.core.$ZodType, Json, number][] = [
      [edgeSchemas.telemetry, snapshot, snap, 1600],
      [edgeSchemas.telemetry, snapshot, snapWithExtras, 1000],
      [edgeSchemas.hello, hello, hel, 700],
      [edgeSchemas.jobStatus, jobStatus, job, 700],
    ];
    for (const [compiled, runtime, base, n] of cases) {
      for (let i = 0; i < n; i++) {
        const m = mutate(i % 5 === 4 ? mutate(base, r) : base, r);
        same(compiled, runtime, m);
        if (!z.safeParse(runtime, m).success) rejected++;
      }
    }
    // The mutations must actually exercise the rejection path, not only harmless changes.
    expect(rejected).toBeGreaterThan(1500);
    // About 3 s of CPU on an idle core; the limit leaves room for a shared, loaded machine.
  }, 120_000);

  it("decodeMessage still reports the schema's reason and first problem", () => {
    const bad = structuredClone(snap) as { [k: string]: Json };
    bad.seq = -1;
    const d = decodeMessage(subjects.telemetry("bench-7"), new TextEncoder().encode(JSON.stringify(bad)));
    expect(d).toEqual({ ok: false, reason: "invalid", message: "invalid snapshot: 1 problem(s); first: seq: Too small: expected number to be >0" });
    const ok = decodeMessage(subjects.telemetry("bench-7"), new TextEncoder().encode(JSON.stringify(snap)));
    expect(ok.ok && ok.item.kind === "snapshot" && ok.item.msg.seq).toBe(3);
  });
});
