// meshfleet dashboard: the topology answer turned into graph elements (no DOM). One edge
// per node pair (the mesh link and the routing adjacency of a pair merged, both
// directions' figures in its data), coloured by link health: the `health` field when the
// API gives one, else the link's airtime cost against its own recent values. Nodes
// coloured and badged by state: offline, alerting by worst severity, online. Relayed
// paths one edge per pair, hidden unless asked for.
"use strict";
window.meshfleetTopo = (() => {
  const COLOURS = { good: "#2e9d57", degraded: "#e39b1f", bad: "#d2453b", none: "#8795a8" };
  const NODE = { online: "#2e9d57", offline: "#b8c2cf", unknown: "#d5dbe3", external: "#ffffff", info: "#0b65c2", warning: "#e39b1f", critical: "#d2453b" };
  const RELAYED = "#8e44ad";

  const pairKey = (a, b) => (a < b ? `${a}|${b}` : `${b}|${a}`);
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
  };

  /** The health a link's `health` field states, as good/degraded/bad, or null when it has none. */
  function statedHealth(h) {
    if (h == null) return null;
    const word = String(typeof h === "object" ? h.state ?? h.status ?? h.level ?? "" : h).toLowerCase();
    if (/^(ok|good|healthy|normal|up)$/.test(word)) return "good";
    if (/^(degraded|warning|warn|weak|poor)$/.test(word)) return "degraded";
    if (/^(bad|down|critical|broken|lost|failed)$/.test(word)) return "bad";
    return null;
  }

  /**
   * Link health from its own history (airtime cost, lower is better): the current cost
   * against the median of the costs seen before; up to 1.5x is good, up to 3x degraded.
   * With fewer than 3 earlier values (a new link, a fresh page on a young fleet) the
   * airtime itself decides: up to 400 good, up to 1000 degraded.
   */
  function relativeHealth(cost, history) {
    if (!(cost > 0)) return "none";
    const seen = history.filter((c) => c > 0);
    if (seen.length < 3) return cost <= 400 ? "good" : cost <= 1000 ? "degraded" : "bad";
    const r = cost / median(seen);
    return r <= 1.5 ? "good" : r <= 3 ? "degraded" : "bad";
  }

  /** Open alerts per node: { node: { critical: n, warning: n, info: n } }. */
  function alertCounts(alerts) {
    const out = {};
    for (const a of alerts) {
      if (!a.node || a.state !== "open") continue;
      const c = (out[a.node] ||= { critical: 0, warning: 0, info: 0 });
      c[a.severity] = (c[a.severity] || 0) + 1;
    }
    return out;
  }

  function nodeData(n, counts) {
    const p = n.properties || {};
    const fleet = p.fleet !== false;
    const c = counts[n.id] || {};
    const worst = ["critical", "warning", "info"].find((s) => c[s] > 0) || null;
    const status = fleet ? p.status || "unknown" : "external";
    const state = status === "online" && worst ? worst : status;
    const open = (c.critical || 0) + (c.warning || 0) + (c.info || 0);
    const badge = status === "offline" ? "offline" : status === "unknown" ? "no data" : worst ? `${open} ${worst === "info" ? "notice" : worst}${open > 1 && worst !== "info" ? "s" : ""}` : "";
    return { id: n.id, name: n.label || n.id, label: badge ? `${n.label || n.id}\n${badge}` : n.label || n.id, state, colour: NODE[state] || NODE.unknown, fleet: fleet ? "yes" : "no", model: p.model || "", status, alerts: JSON.stringify(c) };
  }

  /**
   * Edges of the graph answer `g`: one per node pair. `history(id)` gives the edge's
   * earlier costs (for the relative colour).
   */
  function linkEdges(g, history) {
    const pairs = new Map();
    for (const l of g.links) {
      const k = pairKey(l.source, l.target);
      if (!pairs.has(k)) pairs.set(k, { source: l.source < l.target ? l.source : l.target, target: l.source < l.target ? l.target : l.source, mesh: null, routing: null, health: null });
      const e = pairs.get(k);
      const p = l.properties || {};
      if ((p.type || "mesh") === "mesh") e.mesh = l;
      else e.routing = l;
      if (l.health !== undefined || p.health !== undefined) e.health = l.health ?? p.health;
      if (p.healthDetail !== undefined) e.healthDetail = p.healthDetail;
    }
    return [...pairs.values()].map((e) => {
      const id = `link:${e.source}|${e.target}`;
      const cost = e.mesh ? e.mesh.cost : null;
      const stated = statedHealth(e.health);
      const health = stated || (e.mesh ? relativeHealth(cost, history(id)) : "none");
      const mp = (e.mesh && e.mesh.properties) || {};
      const rp = (e.routing && e.routing.properties) || {};
      return {
        data: {
          id, source: e.source, target: e.target, kind: e.mesh ? "mesh" : "routing", health, colour: COLOURS[health],
          cost: cost ?? "", costs: JSON.stringify(mp.costs || {}), signal: JSON.stringify(mp.signal || {}), throughput: JSON.stringify(mp.throughput || {}),
          routing: e.routing ? JSON.stringify({ protocol: rp.protocol || "", cost: e.routing.cost, costs: rp.costs || {} }) : "",
          healthInfo: e.health == null ? "" : JSON.stringify(e.healthDetail ? { state: e.health, ...e.healthDetail } : e.health), healthSource: stated ? "reported" : "relative",
        },
      };
    });
  }

  /** One edge per node pair for relayed paths, both directions listed ("node-1 → node-2 via node-5 (2 hops)"). */
  function relayedEdges(paths) {
    const pairs = new Map();
    for (const p of paths) {
      const [a, b] = p.source < p.destination ? [p.source, p.destination] : [p.destination, p.source];
      const k = `${a}|${b}`;
      if (!pairs.has(k)) pairs.set(k, { a, b, vias: new Set(), paths: [], ends: new Set() });
      const e = pairs.get(k);
      e.vias.add(p.via);
      e.ends.add(p.source);
      e.paths.push(`${p.source} → ${p.destination} via ${p.via}${p.hops ? ` (${p.hops} hops)` : ""}`);
    }
    return [...pairs.values()].map((e) => ({
      data: { id: `relayed:${e.a}|${e.b}`, source: e.a, target: e.b, kind: "relayed", colour: RELAYED, label: `via ${[...e.vias].sort().join(" / ")}`, paths: e.paths.sort().join("; "), from: [...e.ends].sort().join(" ") },
    }));
  }

  /**
   * The hops `from` takes to reach `to` in answer `g`: relayed paths name the next hop,
   * any other pair with a link is one hop. Null when there is no way.
   */
  function pathBetween(g, from, to) {
    const via = new Map(g.relayedPaths.map((p) => [`${p.source}|${p.destination}`, p.via]));
    const linked = new Set(g.links.map((l) => pairKey(l.source, l.target)));
    const hops = [from];
    let cur = from;
    while (cur !== to && hops.length <= 16) {
      const next = via.get(`${cur}|${to}`) ?? (linked.has(pairKey(cur, to)) ? to : null);
      if (!next || hops.includes(next)) return null;
      hops.push(next);
      cur = next;
    }
    return cur === to ? hops : null;
  }

  function elementsOf(g, alerts, history) {
    const counts = alertCounts(alerts);
    return { nodes: g.nodes.map((n) => ({ data: nodeData(n, counts) })), edges: [...linkEdges(g, history), ...relayedEdges(g.relayedPaths || [])] };
  }

  return { elementsOf, pathBetween, pairKey, statedHealth, relativeHealth, COLOURS, NODE, RELAYED };
})();
