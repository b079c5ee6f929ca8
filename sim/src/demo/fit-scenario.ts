import type { Scenario, SimEvent } from "../scenario";

/** What fitting needs of a world: its node ids and which pairs are in radio range. */
export interface FitWorld {
  nodeIds(): string[];
  /** Pairs of node ids in radio range of each other. */
  links(): [string, string][];
}

export interface FittedScenario {
  events: SimEvent[];
  /** One line per event that was moved to other nodes or left out, and why. */
  notes: string[];
}

/**
 * Fits a scenario written for one fleet size to the nodes a world has (pure): a node id
 * beyond the fleet (`node-6` in a 3-node world) is folded onto an existing one
 * (`node-6` -> `node-3`, `node-4` -> `node-1`), a station reference follows its node, and
 * a link event whose pair ends up the same node or out of radio range moves to a pair in
 * range, the first node's if it has one. Events that still do not fit (a roam to the node
 * the station is already near) are left out with a note, never failing the world.
 */
export function fitScenario(s: Scenario, world: FitWorld): FittedScenario {
  const ids = world.nodeIds();
  const known = new Set(ids);
  const pairs = world.links();
  const inRange = new Set(pairs.map(([a, b]) => `${a}|${b}`).concat(pairs.map(([a, b]) => `${b}|${a}`)));
  const fold = (ref: string): string => {
    if (known.has(ref)) return ref;
    const m = /^node-(\d+)$/.exec(ref);
    if (!m || ids.length === 0) return ref;
    return ids[(Number(m[1]) - 1) % ids.length]!;
  };
  const station = (ref: string): string => {
    const m = /^(.+)\/(\d+)$/.exec(ref);
    return m ? `${fold(m[1]!)}/${m[2]}` : ref;
  };
  const pairFor = (a: string, b: string): [string, string] | null => {
    if (a !== b && inRange.has(`${a}|${b}`)) return [a, b];
    return pairs.find(([x, y]) => x === a || y === a) ?? pairs[0] ?? null;
  };
  const events: SimEvent[] = [];
  const notes: string[] = [];
  for (const e of s.events) {
    let out: SimEvent | null;
    switch (e.type) {
      case "degradeLink":
      case "cutLink":
      case "restoreLink": {
        const p = pairFor(fold(e.a), fold(e.b));
        out = p ? { ...e, a: p[0], b: p[1] } : null;
        break;
      }
      case "rebootNode":
      case "setChannel":
      case "interference":
        out = { ...e, node: fold(e.node) };
        break;
      case "flapRoute":
        out = { ...e, node: fold(e.node), prefix: e.prefix.includes("/") ? e.prefix : fold(e.prefix) };
        break;
      case "roamStation": {
        const st = station(e.station);
        const to = fold(e.toNode);
        out = st.startsWith(`${to}/`) && (st !== e.station || to !== e.toNode) ? null : { ...e, station: st, toNode: to };
        break;
      }
    }
    if (!out) {
      notes.push(`${e.type} at ${e.atMs} ms left out: no place for it among ${ids.length} nodes`);
      continue;
    }
    if (JSON.stringify(out) !== JSON.stringify(e)) notes.push(`${e.type} at ${e.atMs} ms moved to ${describe(out)}`);
    events.push(out);
  }
  return { events, notes };
}

function describe(e: SimEvent): string {
  if ("a" in e) return `${e.a} <-> ${e.b}`;
  if (e.type === "roamStation") return `${e.station} -> ${e.toNode}`;
  return e.node;
}
