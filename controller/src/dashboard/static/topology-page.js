// meshfleet dashboard: the mesh as a graph (cytoscape). By default one edge per node pair
// coloured by link health and nodes coloured by state; routing-only adjacencies and
// relayed mesh paths appear for a selected node, for a chosen path ("how does node-1
// reach node-2"), or with their checkboxes. Hover for figures, click for details. A time
// slider (clock time, a mark per minute where something happened) shows the mesh as it
// was; at "now" the graph is live, edges and nodes updated in place, positions kept.
"use strict";
(() => {
  const { api, esc, throttle } = window.meshfleet;
  const topo = window.meshfleetTopo;
  const layout = window.meshfleetLayout;
  const REFRESH_MS = 5000;
  const HOUR = 3_600_000;
  const HISTORY = 120; // costs kept per edge for the relative colour (10 min of live updates)
  let cy = null;
  let at = 0; // 0 = now
  let refresh = null;
  let graph = null; // the last topology answer
  let selected = null; // node id
  const costHistory = new Map(); // edge id -> earlier costs

  const STYLE = [
    { selector: "node", style: { label: "data(label)", "background-color": "data(colour)", "border-width": 2, "border-color": "#1d2733", width: 24, height: 24, color: "#1d2733", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "wrap", "text-background-color": "#fff", "text-background-opacity": 0.85, "text-background-padding": 1 } },
    { selector: 'node[state = "offline"], node[state = "unknown"]', style: { "border-style": "dashed", "border-color": "#8795a8", color: "#6b7889" } },
    { selector: 'node[fleet = "no"]', style: { width: 12, height: 12, "border-width": 1, "border-color": "#8795a8", "font-size": 9, color: "#6b7889" } },
    { selector: "node:selected", style: { "border-color": "#0b65c2", "border-width": 5 } },
    { selector: "edge", style: { width: 3, "line-color": "data(colour)", "curve-style": "bezier" } },
    { selector: 'edge[kind = "routing"]', style: { "line-style": "dashed", width: 1.5, "line-color": "#8795a8" } },
    { selector: 'edge[kind = "relayed"]', style: { "line-style": "dashed", "line-dash-pattern": [6, 4], width: 1.5, "control-point-step-size": 70, "line-color": topo.RELAYED, label: "data(label)", "font-size": 9, color: topo.RELAYED, "text-background-color": "#fff", "text-background-opacity": 0.9, "text-background-padding": 1 } },
    { selector: "edge.onpath", style: { width: 7, "underlay-color": "#0b65c2", "underlay-opacity": 0.3, "underlay-padding": 4 } },
    { selector: "edge:selected", style: { "underlay-color": "#1d2733", "underlay-opacity": 0.25, "underlay-padding": 4 } },
    { selector: ".hidden", style: { display: "none" } },
  ];

  /** @type {(id: string) => any} the page's own elements by id (inputs, forms, buttons) */
  const $ = (id) => document.getElementById(id);
  const fmtTime = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const dirs = (json) => Object.entries(JSON.parse(json || "{}"));

  function remember(g) {
    if (at !== 0) return;
    for (const l of g.links) {
      if (!(l.cost > 0) || ((l.properties || {}).type || "mesh") !== "mesh") continue;
      const id = `link:${topo.pairKey(l.source, l.target)}`;
      const h = costHistory.get(id) || [];
      h.push(l.cost);
      if (h.length > HISTORY) h.shift();
      costHistory.set(id, h);
    }
  }

  function visibility() {
    const showRouting = $("routing").checked;
    const showRelayed = $("relayed").checked;
    const from = $("pfrom").value, to = $("pto").value;
    const hops = graph && from && to && from !== to ? topo.pathBetween(graph, from, to) : null;
    const onPath = new Set();
    if (hops) for (let i = 1; i < hops.length; i++) onPath.add(`link:${topo.pairKey(hops[i - 1], hops[i])}`);
    cy.batch(() => {
      cy.edges().forEach((e) => {
        const d = e.data();
        const ends = [d.source, d.target];
        let show = true;
        if (d.kind === "routing") show = showRouting || ends.includes(selected) || onPath.has(d.id);
        if (d.kind === "relayed") show = showRelayed || (!!selected && d.from.split(" ").includes(selected)) || (!!hops && ends.includes(from) && ends.includes(to));
        e.toggleClass("hidden", !show);
        e.toggleClass("onpath", onPath.has(d.id));
      });
    });
    $("pathnote").textContent = from && to && from !== to ? (hops ? `${hops.join(" → ")} (${hops.length - 1} hop${hops.length > 2 ? "s" : ""}${at ? ` at ${fmtTime(at)}` : ", now"})` : `no path from ${from} to ${to}${at ? ` at ${fmtTime(at)}` : ""}`) : "";
    const el = $("cy");
    el.dataset.relayed = String(cy.edges('[kind = "relayed"]').not(".hidden").length);
    el.dataset.edges = String(cy.edges().not(".hidden").length);
    el.dataset.relayedPaths = String((graph.relayedPaths || []).length);
  }

  function linkDetails(d) {
    const rows = dirs(d.costs).map(([k, c]) => {
      const [a, b] = k.split(">");
      const s = JSON.parse(d.signal || "{}")[k], t = JSON.parse(d.throughput || "{}")[k];
      return `<tr><td>${esc(a)} → ${esc(b)}</td><td>${esc(c)}</td><td>${s == null ? "" : `${esc(s)} dBm`}</td><td>${t == null ? "" : `${esc(t)} Mbit/s`}</td></tr>`;
    });
    const r = d.routing ? JSON.parse(d.routing) : null;
    const h = d.healthInfo ? JSON.parse(d.healthInfo) : null;
    const sides = h && Array.isArray(h.sides) ? h.sides : [];
    const since = h && h.since ? ` since ${fmtTime(h.since)}` : "";
    const why = h && h.reason ? `, ${esc(String(h.reason).replaceAll("_", " "))}` : "";
    const vs = (cur, base, unit) => (cur == null ? "" : `${esc(cur)} ${unit}${base == null ? "" : ` <span class="muted">(usually ${esc(base)})</span>`}`);
    return `<h3>${esc(d.source)} ↔ ${esc(d.target)}</h3>` +
      `<p>Health: <b style="color:${topo.COLOURS[d.health]}">${esc(d.health)}</b>${since}${why} <span class="muted">(${d.healthSource === "reported" ? "link health detector" : "airtime against this link's recent values"})</span></p>` +
      (sides.length ? `<table class="compact"><thead><tr><th>side</th><th>signal</th><th>expected</th></tr></thead><tbody>${sides.map((x) => `<tr><td>${esc(x.node)} → ${esc(x.peer)}</td><td>${vs(x.signalDbm, x.baselineSignalDbm, "dBm")}</td><td>${vs(x.expectedThroughputMbps, x.baselineThroughputMbps, "Mbit/s")}</td></tr>`).join("")}</tbody></table>` : "") +
      (rows.length ? `<table class="compact"><thead><tr><th>direction</th><th>airtime</th><th>signal</th><th>expected</th></tr></thead><tbody>${rows.join("")}</tbody></table>` : `<p class="muted">no mesh link</p>`) +
      (r ? `<p>Routing (${esc(r.protocol)}): ${dirs(JSON.stringify(r.costs)).map(([k, c]) => `${esc(k.replace(">", " → "))} metric ${esc(c)}`).join(", ") || `metric ${esc(r.cost)}`}</p>` : "");
  }

  function nodeDetails(d) {
    const c = JSON.parse(d.alerts || "{}");
    const links = cy.getElementById(d.id).connectedEdges().filter((e) => e.data("kind") !== "relayed");
    const relayed = (graph.relayedPaths || []).filter((p) => p.source === d.id);
    return `<h3>${d.fleet === "yes" ? `<a href="#/node/${esc(d.id)}">${esc(d.name)}</a>` : esc(d.name)}</h3>` +
      `<p>${esc(d.status)}${d.model ? ` · ${esc(d.model)}` : ""}${["critical", "warning", "info"].filter((s) => c[s]).map((s) => ` · <span class="pill ${s}">${c[s]} ${s}</span>`).join("")}</p>` +
      `<p>Links: ${links.map((e) => { const o = e.data("source") === d.id ? e.data("target") : e.data("source"); return `<span style="color:${e.data("colour")}">■</span> ${esc(o)}${e.data("cost") !== "" ? ` (${esc(e.data("cost"))})` : ""}`; }).join(", ") || "none"}</p>` +
      (relayed.length ? `<p>Relayed: ${relayed.map((p) => `${esc(p.destination)} via ${esc(p.via)}`).join(", ")}</p>` : "");
  }

  function tooltip(e, html) {
    const tip = $("tip");
    if (!html) return void (tip.hidden = true);
    const p = e.renderedPosition || e.target.renderedMidpoint?.() || { x: 0, y: 0 };
    tip.innerHTML = html;
    tip.hidden = false;
    tip.style.left = `${Math.min(p.x + 14, $("cy").clientWidth - 260)}px`;
    tip.style.top = `${p.y + 14}px`;
  }

  function build(nodes, edges) {
    cy = window.cytoscape({ container: $("cy"), elements: [...nodes, ...edges], layout: { name: "preset" }, style: STYLE, minZoom: 0.25, maxZoom: 1.8 });
    layout.place(cy);
    cy.fit(undefined, 40);
    cy.on("dragfree", "node", (e) => { layout.pin(e.target); layout.untangle(cy); layout.save(cy); });
    cy.on("tap", "node", (e) => { selected = e.target.id(); $("details").innerHTML = nodeDetails(e.target.data()); visibility(); });
    cy.on("tap", "edge", (e) => { $("details").innerHTML = linkDetails(e.target.data()); });
    cy.on("tap", (e) => { if (e.target === cy) { selected = null; $("details").innerHTML = '<p class="muted">Click a node or a link for its details.</p>'; visibility(); } });
    cy.on("mouseover", "node", (e) => tooltip(e, `<b>${esc(e.target.data("name"))}</b> ${esc(e.target.data("status"))}`));
    cy.on("mouseover", "edge", (e) => {
      const d = e.target.data();
      if (d.kind === "relayed") return tooltip(e, esc(d.paths).replaceAll("; ", "<br>"));
      const lines = dirs(d.costs).map(([k, c]) => { const s = JSON.parse(d.signal)[k], t = JSON.parse(d.throughput)[k]; return `${esc(k.replace(">", " → "))}: airtime ${esc(c)}${s == null ? "" : `, ${esc(s)} dBm`}${t == null ? "" : `, ${esc(t)} Mbit/s`}`; });
      if (d.routing) lines.push(`routing metric ${esc(JSON.parse(d.routing).cost)}`);
      tooltip(e, `<b>${esc(d.source)} ↔ ${esc(d.target)}</b> <span style="color:${d.colour}">${esc(d.health)}</span><br>${lines.join("<br>")}`);
    });
    cy.on("mouseout", () => tooltip(null, ""));
    window.meshfleetGraph = cy;
  }

  function apply(g, alerts) {
    graph = g;
    const { nodes, edges } = topo.elementsOf(g, alerts, (id) => costHistory.get(id) || []);
    remember(g);
    if (!cy) build(nodes, edges);
    else {
      const want = new Set([...nodes, ...edges].map((x) => x.data.id));
      let added = false;
      cy.batch(() => {
        cy.elements().forEach((x) => { if (!want.has(x.id())) x.remove(); });
        for (const x of [...nodes, ...edges]) {
          const cur = cy.getElementById(x.data.id);
          if (cur.nonempty()) cur.data(x.data);
          else { cy.add(x); added = true; }
        }
      });
      if (added) layout.place(cy);
    }
    const ids = g.nodes.filter((n) => (n.properties || {}).fleet !== false).map((n) => n.id);
    for (const sel of [$("pfrom"), $("pto")]) {
      const v = sel.value;
      sel.innerHTML = `<option value="">–</option>${ids.map((i) => `<option${i === v ? " selected" : ""}>${esc(i)}</option>`).join("")}`;
    }
    if (selected && cy.getElementById(selected).nonempty()) $("details").innerHTML = nodeDetails(cy.getElementById(selected).data());
    visibility();
  }

  /** Alerts open at `t` (0: now). */
  async function alertsAt(t) {
    if (!t) return (await api("/api/alerts?state=open&limit=1000")).alerts;
    const { alerts } = await api(`/api/alerts?since=${t - 24 * HOUR}&limit=1000`);
    return alerts.filter((a) => a.openedAt <= t && (a.resolvedAt === null || a.resolvedAt > t));
  }

  let loads = 0; // only the newest answer is drawn (a live refresh may still be in flight when the time changes)
  async function load() {
    const mine = ++loads;
    const [g, alerts] = await Promise.all([api(`/api/topology${at ? `?at=${at}` : ""}`), alertsAt(at)]);
    if (mine === loads && $("cy")) apply(g, alerts);
  }

  /** A mark under the slider for every minute of the last hour where events happened. */
  async function marks() {
    const now = Date.now();
    const { events } = await api(`/api/events?since=${now - HOUR}&limit=2000`);
    const byMin = new Map();
    for (const e of events) {
      const m = Math.round((e.ts - now) / 60_000);
      if (m < -60 || m > 0) continue;
      if (!byMin.has(m)) byMin.set(m, new Map());
      const c = byMin.get(m);
      c.set(e.code, (c.get(e.code) || 0) + 1);
    }
    const el = $("marks");
    if (!el) return;
    el.innerHTML = [...byMin.entries()].map(([m, c]) =>
      `<button class="mark" data-min="${m}" style="left:${((m + 60) / 60) * 100}%" title="${esc(fmtTime(now + m * 60_000))}: ${esc([...c.entries()].map(([k, n]) => `${n} ${k}`).join(", "))}"></button>`).join("");
    el.dataset.marks = String(byMin.size);
    el.querySelectorAll(".mark").forEach((/** @type {HTMLElement} */ b) => (b.onclick = () => { $("slider").value = b.dataset.min; setTime(Number(b.dataset.min)); }));
  }

  /** Shows the mesh at `t` (0: now, live); the time goes into the address so a reload keeps it. */
  function setAt(t) {
    if (!$("cy")) return Promise.resolve();
    at = t;
    const m = t ? Math.round((t - Date.now()) / 60_000) : 0;
    $("slider").value = String(Math.max(-60, Math.min(0, m)));
    $("when").textContent = t === 0 ? `now · ${fmtTime(Date.now())}` : `${fmtTime(at)} · ${-m} min ago`;
    history.replaceState(null, "", `#/topology${t ? `/${t}` : ""}`);
    return load();
  }
  const setTime = (m) => void setAt(m === 0 ? 0 : Date.now() + m * 60_000).catch(() => {});

  async function show(arg) {
    leave();
    at = 0;
    selected = null;
    refresh = throttle(() => (at === 0 && $("cy") ? load() : undefined), REFRESH_MS);
    const swatch = (style, text) => `<span><i class="sw" style="${style}"></i>${esc(text)}</span>`;
    const dot = (c, text, extra = "") => `<span><i class="dot" style="background:${c};${extra}"></i>${esc(text)}</span>`;
    $("view").innerHTML =
      `<h2>Topology</h2><div class="topobar"><div class="timeline"><input id="slider" type="range" min="-60" max="0" value="0"><div id="marks"></div></div> <span id="when">now · ${fmtTime(Date.now())}</span></div>` +
      `<p class="controls"><label class="inline"><input id="routing" type="checkbox"> routing adjacencies</label><label class="inline"><input id="relayed" type="checkbox"> relayed paths</label>` +
      ` <span class="inline">path <select id="pfrom"></select> → <select id="pto"></select></span> <span id="pathnote" class="muted"></span>` +
      ` <button id="fit" class="small">Fit</button><button id="relayout" class="small">Re-layout</button></p>` +
      `<p class="legend">` +
      swatch(`background:${topo.COLOURS.good}`, "link healthy") + swatch(`background:${topo.COLOURS.degraded}`, "degraded") + swatch(`background:${topo.COLOURS.bad}`, "bad") +
      swatch("border-top:2px dashed #8795a8", "routing only") + swatch(`border-top:2px dashed ${topo.RELAYED}`, "relayed path") +
      dot(topo.NODE.online, "online") + dot(topo.NODE.warning, "warning") + dot(topo.NODE.critical, "critical") + dot(topo.NODE.offline, "offline", "border:1px dashed #8795a8") +
      `</p><div class="toporow"><div class="cywrap"><div id="cy"></div><div id="tip" class="tip" hidden></div></div><aside id="details"><p class="muted">Click a node or a link for its details.</p></aside></div>`;
    $("slider").addEventListener("input", (e) => { const m = Number(/** @type {HTMLInputElement} */ (e.target).value); $("when").textContent = m === 0 ? "now" : `${fmtTime(Date.now() + m * 60_000)} · ${-m} min ago`; });
    $("slider").addEventListener("change", (e) => setTime(Number(/** @type {HTMLInputElement} */ (e.target).value)));
    for (const id of ["routing", "relayed", "pfrom", "pto"]) $(id).addEventListener("change", () => cy && visibility());
    $("fit").onclick = () => cy && cy.fit(undefined, 40);
    $("relayout").onclick = () => { if (!cy) return; layout.forget(); layout.place(cy, { fresh: true }); cy.fit(undefined, 40); };
    // The link colours compare with what the link looked like before: the mesh 30, 10, 5 and 2 minutes ago.
    const now = Date.now();
    const earlier = await Promise.all([30, 10, 5, 2].map((m) => now - m * 60_000).map((t) => api(`/api/topology?at=${t}`).catch(() => null)));
    if (!$("cy")) return; // the user went elsewhere meanwhile
    for (const g of earlier) if (g) remember(g);
    await setAt(/^\d{10,}$/.test(arg || "") ? Number(arg) : 0);
    void marks().catch(() => {});
  }

  // A new window size draws the whole mesh again (the phone's narrow canvas included).
  const onResize = throttle(() => { if (cy) { cy.resize(); cy.fit(undefined, 40); } }, 200);
  window.addEventListener("resize", () => onResize());

  function live() {
    if (refresh && at === 0) refresh();
  }

  function leave() {
    if (refresh) refresh.cancel();
    refresh = null;
    if (cy) cy.destroy();
    cy = null;
    graph = null;
    window.meshfleetGraph = null;
  }

  window.meshfleet.pages.topology = { show, live, leave };
})();
