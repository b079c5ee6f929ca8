import type { Scenario, SimEvent, World } from "@meshfleet/sim";

/** A scripted fault and the one alert it should raise (none for normal events such as roaming). */
export interface ScriptedFault {
  kind: "reboot" | "flapping_route" | "degraded_link" | "cut_link" | "channel_change" | "roaming";
  /** World time (ms since the world's start) the fault starts and is over. */
  startMs: number;
  endMs: number;
  events: SimEvent[];
  /** The alert expected: code and subject; null when nothing should open. */
  expect: { code: string; subject: string } | null;
}

const MIN = 60_000;
const USABLE = -88;
const linkSubject = (a: string, b: string) => (a < b ? `link:${a}-${b}` : `link:${b}-${a}`);

/**
 * Picks the fault locations from a world's static model (deterministic for a seed): in
 * each site, away from the gateway, nodes with at least 3 usable mesh links, and links
 * whose loss does not split the mesh. Faults start after `quietMs`, one every `everyMs`,
 * each lasting `lastsMs`; the world ends with another quiet stretch.
 */
export function scriptFaults(world: World, o: { quietMs?: number; everyMs?: number; lastsMs?: number } = {}): { faults: ScriptedFault[]; endMs: number } {
  const quiet = o.quietMs ?? 20 * MIN;
  const every = o.everyMs ?? 12 * MIN;
  const lasts = o.lastsMs ?? 4 * MIN;
  const m = world.model;
  const usable = (l: (typeof m.links)[number]) => l.baseSignal >= USABLE;
  const degree = (i: number) => m.nodes[i]!.links.filter((id) => usable(m.links[id]!)).length;
  const used = new Set<number>();
  const faults: ScriptedFault[] = [];
  let t = quiet;
  const next = () => {
    const s = t;
    t += every;
    return s;
  };
  for (const site of m.sites) {
    const inner = site.nodes.filter((i) => !m.nodes[i]!.gateway && degree(i) >= 3 && !used.has(i));
    const pickNode = () => {
      const i = inner.find((x) => !used.has(x));
      if (i === undefined) throw new Error(`site ${site.index}: not enough well-connected nodes for the faults`);
      used.add(i);
      return m.nodes[i]!;
    };
    const pickLink = (minSignal: number) => {
      const l = m.links.find((x) => x.baseSignal >= minSignal && !used.has(x.a) && !used.has(x.b) && !m.nodes[x.a]!.gateway && !m.nodes[x.b]!.gateway && m.nodes[x.a]!.site === site.index && degree(x.a) >= 3 && degree(x.b) >= 3);
      if (!l) throw new Error(`site ${site.index}: no link for the faults`);
      used.add(l.a);
      used.add(l.b);
      return [m.nodes[l.a]!.id, m.nodes[l.b]!.id] as const;
    };
    const reboot = pickNode();
    const at = next();
    faults.push({ kind: "reboot", startMs: at, endMs: at + 90_000, events: [{ type: "rebootNode", atMs: at, node: reboot.id, downMs: 90_000 }], expect: { code: "node_offline", subject: `node:${reboot.id}` } });
    const flap = pickNode();
    const f = next();
    faults.push({ kind: "flapping_route", startMs: f, endMs: f + 200_000, events: [{ type: "flapRoute", atMs: f, node: flap.id, prefix: "::/0", periodMs: 20_000, count: 10 }], expect: { code: "route_flapping", subject: `route:${flap.id}:::/0` } });
    const [da, db] = pickLink(-82);
    const d = next();
    faults.push({
      kind: "degraded_link",
      startMs: d,
      endMs: d + lasts,
      events: [
        { type: "degradeLink", atMs: d, a: da, b: db, toSignal: USABLE + 0.5, overMs: 30_000 },
        { type: "restoreLink", atMs: d + lasts, a: da, b: db },
      ],
      expect: { code: "link_degraded", subject: linkSubject(da, db) },
    });
    const [ca, cb] = pickLink(-86);
    const c = next();
    faults.push({
      kind: "cut_link",
      startMs: c,
      endMs: c + lasts,
      events: [
        { type: "cutLink", atMs: c, a: ca, b: cb },
        { type: "restoreLink", atMs: c + lasts, a: ca, b: cb },
      ],
      expect: { code: "mesh_link_down", subject: linkSubject(ca, cb) },
    });
    const ch = pickNode();
    const h = next();
    faults.push({
      kind: "channel_change",
      startMs: h,
      endMs: h + lasts,
      events: [
        { type: "setChannel", atMs: h, node: ch.id, channel: ch.meshChannel === 44 ? 40 : 44 },
        { type: "setChannel", atMs: h + lasts, node: ch.id, channel: ch.meshChannel },
      ],
      expect: { code: "lint", subject: "lint:mesh_channel_mismatch" },
    });
    const roamer = pickNode();
    const target = m.nodes[inner.find((x) => x !== roamer.index) ?? site.nodes[0]!]!;
    const r = next();
    faults.push({ kind: "roaming", startMs: r, endMs: r + lasts, events: [{ type: "roamStation", atMs: r, station: `${roamer.id}/0`, toNode: target.id }], expect: null });
  }
  return { faults, endMs: t + quiet };
}

/** The faults as a scenario for the world. */
export function faultScenario(name: string, faults: readonly ScriptedFault[]): Scenario {
  return { name, events: faults.flatMap((f) => f.events).sort((a, b) => a.atMs - b.atMs) };
}
