// meshfleet dashboard: the mesh as a graph (cytoscape). Mesh links coloured by airtime
// metric, routing adjacencies dashed grey, relayed mesh paths (next hop is not the
// destination) dashed purple from source to destination, labelled with the relay and
// shown or hidden with a checkbox. Live while the time slider is at "now": edges are
// updated in place, the layout is redone only when the set of nodes changes.
"use strict";
(() => {
  const { api, esc, throttle } = window.meshfleet;
  const REFRESH_MS = 5000;
  const RELAYED = "#8e44ad";
  let cy = null;
  let at = 0; // 0 = now
  let refresh = null;

  // Mesh links by their airtime link metric (lower is better); routing adjacencies grey.
  const colour = (l) => {
    if (!l.properties || l.properties.type !== "mesh" || !(l.cost > 0)) return "#8795a8";
    return l.cost <= 400 ? "#2e9d57" : l.cost <= 1000 ? "#e39b1f" : "#d2453b";
  };

  /** One edge per node pair for relayed paths, both directions in its label ("via node-5", or "via node-2 / node-5"). */
  function relayedEdges(paths) {
    const pairs = new Map();
    for (const p of paths) {
      const [a, b] = p.source < p.destination ? [p.source, p.destination] : [p.destination, p.source];
      const k = `${a}|${b}`;
      if (!pairs.has(k)) pairs.set(k, { a, b, vias: new Set(), paths: [] });
      const e = pairs.get(k);
      e.vias.add(p.via);
      e.paths.push(`${p.source} → ${p.destination} via ${p.via}${p.hops ? ` (${p.hops} hops)` : ""}`);
    }
    return [...pairs.values()].map((e) => ({
      data: { id: `relayed:${e.a}|${e.b}`, source: e.a, target: e.b, kind: "relayed", colour: RELAYED, label: `via ${[...e.vias].sort().join(" / ")}`, paths: e.paths.sort().join("; ") },
    }));
  }

  function elementsOf(g) {
    const nodes = g.nodes.map((n) => ({ data: { id: n.id, label: n.label || n.id, fleet: !(n.properties && n.properties.fleet === false) ? "yes" : "no" } }));
    const links = g.links.map((l) => {
      const kind = (l.properties && l.properties.type) || "mesh";
      return { data: { id: `${kind}:${l.source}|${l.target}`, source: l.source, target: l.target, colour: colour(l), kind, label: l.cost ? String(Math.round(l.cost)) : "" } };
    });
    return { nodes, edges: [...links, ...relayedEdges(g.relayedPaths || [])] };
  }

  const STYLE = [
    { selector: "node", style: { label: "data(label)", "background-color": "#0b65c2", color: "#1d2733", "font-size": 11 } },
    { selector: 'node[fleet = "no"]', style: { "background-color": "#8795a8" } },
    { selector: "edge", style: { width: 3, "line-color": "data(colour)", "curve-style": "bezier", label: "data(label)", "font-size": 9, color: "#556" } },
    { selector: 'edge[kind = "routing"]', style: { "line-style": "dashed", width: 1 } },
    {
      selector: 'edge[kind = "relayed"]',
      style: { "line-style": "dashed", "line-dash-pattern": [6, 4], width: 1.5, "control-point-step-size": 70, color: RELAYED, "text-background-color": "#fff", "text-background-opacity": 0.85, "text-background-padding": 1 },
    },
    { selector: ".hidden", style: { display: "none" } },
  ];

  function showRelayed() {
    const on = document.getElementById("relayed").checked;
    cy.edges('[kind = "relayed"]').toggleClass("hidden", !on);
    const el = document.getElementById("cy");
    el.dataset.relayed = String(on ? cy.edges('[kind = "relayed"]').length : 0);
  }

  function apply(g) {
    const { nodes, edges } = elementsOf(g);
    const ids = new Set(nodes.map((n) => n.data.id));
    const sameNodes = cy && cy.nodes().length === ids.size && cy.nodes().every((n) => ids.has(n.id()));
    if (!sameNodes) {
      if (cy) cy.destroy();
      cy = window.cytoscape({ container: document.getElementById("cy"), elements: [...nodes, ...edges], layout: { name: "preset" }, style: STYLE });
      // Relayed paths are not radio links: they take no part in the layout.
      cy.elements().not('edge[kind = "relayed"]').layout({ name: "cose", animate: false, idealEdgeLength: () => 120, nodeRepulsion: () => 400_000, nodeOverlap: 40, padding: 40 }).run();
      // A small mesh is not blown up to the frame: labels stay at their size.
      if (cy.zoom() > 1.2) {
        cy.zoom(1.2);
        cy.center();
      }
      window.meshfleetGraph = cy;
    } else {
      const want = new Map(edges.map((e) => [e.data.id, e]));
      cy.batch(() => {
        cy.edges().forEach((e) => {
          if (!want.has(e.id())) e.remove();
        });
        for (const e of edges) {
          const cur = cy.getElementById(e.data.id);
          if (cur.nonempty()) cur.data(e.data);
          else cy.add(e);
        }
        for (const n of nodes) cy.getElementById(n.data.id).data(n.data);
      });
    }
    document.getElementById("cy").dataset.relayedPaths = String((g.relayedPaths || []).length);
    showRelayed();
  }

  async function load() {
    const g = await api(`/api/topology${at ? `?at=${at}` : ""}`);
    if (document.getElementById("cy")) apply(g);
  }

  async function show() {
    leave();
    at = 0;
    refresh = throttle(() => (at === 0 && document.getElementById("cy") ? load() : undefined), REFRESH_MS);
    const swatch = (style, text) => `<span><i class="sw" style="${style}"></i>${esc(text)}</span>`;
    document.getElementById("view").innerHTML =
      `<h2>Topology</h2><p>Time: <input id="slider" type="range" min="-60" max="0" value="0"> <span id="when">now</span>` +
      ` <label class="inline"><input id="relayed" type="checkbox" checked> relayed paths</label></p>` +
      `<p class="legend">` +
      swatch("background:#2e9d57", "mesh link, airtime ≤ 400") + swatch("background:#e39b1f", "≤ 1000") + swatch("background:#d2453b", "> 1000") +
      swatch("border-top:2px dashed #8795a8", "routing adjacency") + swatch(`border-top:2px dashed ${RELAYED}`, "relayed mesh path, labelled with its relay") +
      `</p><div id="cy"></div>`;
    document.getElementById("slider").addEventListener("change", (e) => {
      const m = Number(e.target.value);
      document.getElementById("when").textContent = m === 0 ? "now" : `${-m} min ago`;
      at = m === 0 ? 0 : Date.now() + m * 60_000;
      void load().catch(() => {});
    });
    document.getElementById("relayed").addEventListener("change", () => cy && showRelayed());
    await load();
  }

  function live() {
    if (refresh && at === 0) refresh();
  }

  function leave() {
    if (refresh) refresh.cancel();
    refresh = null;
    if (cy) cy.destroy();
    cy = null;
    window.meshfleetGraph = null;
  }

  window.meshfleet.pages.topology = { show, live, leave };
})();
