// meshfleet dashboard: one node. Charts over time (mesh peers' and stations' signal, mesh
// path metrics, nft counter rates) above the current tables (stations, mesh paths,
// neighbours, routes, counters, events). Live updates for this node refresh it at most
// every REFRESH_MS, charts updated in place.
"use strict";
(() => {
  const { api, esc, when, pill, table, throttle } = window.meshfleet;
  const plots = window.meshfleetPlots;
  const names = window.meshfleetNames;
  const REFRESH_MS = 5000;
  /** Chart windows; long ones are bucketed so a chart holds at most ~1500 points. */
  const WINDOWS = { "15m": 15 * 60_000, "1h": 3_600_000, "6h": 6 * 3_600_000, "24h": 24 * 3_600_000 };
  const PANELS = [
    ["plot-peers", "Mesh peers: signal (dBm)"],
    ["plot-stations", "Stations: signal (dBm)"],
    ["plot-paths", "Mesh paths: airtime metric"],
    ["plot-counters", "Firewall counters: bytes/s"],
    ["plot-radio-busy", "Radios: channel busy (%)"],
    ["plot-radio-noise", "Radios: noise floor (dBm)"],
  ];
  let state = null; // { id, win, refresh }

  function stepFor(span, intervalMs) {
    if (span / Math.max(1000, intervalMs || 10_000) <= 1500) return 0;
    const step = Math.ceil(span / 1000);
    return step >= 60_000 ? Math.ceil(step / 60_000) * 60_000 : step;
  }
  const counterLabel = (key) => key.split(":").slice(3).join(":") || key;

  /**
   * Configuration jobs that reached the node in [from, to): when the node applied it (else
   * received it, else when it was sent). Jobs are few; the newest 50 are looked at and at
   * most 10 that overlap the window are fetched for their per-node times.
   */
  async function jobMarks(id, from, to) {
    const { jobs } = await api("/api/jobs?limit=50");
    const overlapping = jobs.filter((j) => j.createdAt < to && (j.finishedAt ?? Date.now()) >= from).slice(0, 10);
    const details = await Promise.all(overlapping.map((j) => api(`/api/jobs/${encodeURIComponent(j.id)}`).catch(() => null)));
    const out = [];
    for (const j of details) {
      const n = j && j.nodes.find((x) => x.node === id);
      const ts = n && (n.appliedAt ?? n.receivedAt ?? n.firstSentAt);
      if (ts && ts >= from && ts < to) out.push({ ts, kind: "job", label: `job ${j.template}`, text: `job ${j.id} (${j.template}): ${n.state}` });
    }
    return out;
  }

  /** Reboots, outages, alerts and configuration jobs of the node in [from, to), as chart marks. */
  async function marksFor(id, from, to) {
    const enc = encodeURIComponent(id);
    const [ev, al, jobs] = await Promise.all([
      api(`/api/events?node=${enc}&since=${from}&until=${to}&limit=500`).catch(() => ({ events: [] })),
      api(`/api/alerts?node=${enc}&since=${from}&limit=200`).catch(() => ({ alerts: [] })),
      jobMarks(id, from, to).catch(() => []),
    ]);
    const kinds = { node_rebooted: "reboot", node_offline: "offline" };
    return [
      ...ev.events.filter((e) => kinds[e.code]).map((e) => ({ ts: e.ts, kind: kinds[e.code], text: e.code })),
      ...al.alerts.filter((a) => a.openedAt >= from && a.openedAt < to && a.code !== "node_offline").map((a) => ({ ts: a.openedAt, kind: "alert", text: a.summary })),
      ...jobs,
    ];
  }

  /** A range picked on a chart: every chart shows it, the address keeps it, live updates wait. */
  function zoom(from, to) {
    if (!state) return;
    state.range = { from, to };
    history.replaceState(null, "", `#/node/${encodeURIComponent(state.id)}?from=${from}&to=${to}`);
    showRange();
    void load().catch(() => {});
  }
  function showRange() {
    const el = document.getElementById("range");
    if (!el) return;
    el.hidden = !state.range;
    if (state.range) el.querySelector("span").textContent = `${new Date(state.range.from).toLocaleTimeString()} – ${new Date(state.range.to).toLocaleTimeString()}`;
  }

  async function charts(id, node, stations) {
    if (!node.lastSnapshotTs) {
      for (const [pid] of PANELS) plots.draw(document.getElementById(pid), { ts: [], series: [] }, { unit: "metric", label: () => "", empty: "no snapshots yet" });
      return;
    }
    // A zoomed range (kept in the address) wins over the window, which ends at the node's newest sample.
    const to = state.range ? state.range.to : node.lastSnapshotTs + 1;
    const from = state.range ? state.range.from : Math.max(0, to - WINDOWS[state.win]);
    const step = stepFor(to - from, node.intervalMs);
    const series = (metric) => api(`/api/nodes/${encodeURIComponent(id)}/series?metric=${metric}&from=${from}&to=${to}&step=${step}&limit=2000`);
    const [signal, paths, counters, busy, noise, marks] = await Promise.all([series("signal"), series("pathMetric"), series("counterByteRate"), series("radioBusy"), series("radioNoise"), marksFor(id, from, to)]);
    if (!state || state.id !== id) return;
    const peerMacs = new Set(stations.filter((s) => s.meshPlink !== null).map((s) => s.mac));
    const isPeer = (s) => peerMacs.has(s.key) || s.node !== null;
    const byNode = (s) => s.node || names.mac(s.key);
    const common = { marks, onZoom: zoom };
    plots.draw(document.getElementById("plot-peers"), signal, { unit: "dBm", keep: isPeer, label: byNode, empty: "no mesh peers in this window", ...common });
    plots.draw(document.getElementById("plot-stations"), signal, { unit: "dBm", keep: (s) => !isPeer(s), label: (s) => names.mac(s.key), empty: "no stations in this window", ...common });
    plots.draw(document.getElementById("plot-paths"), paths, { unit: "metric", label: byNode, empty: "no mesh paths in this window", ...common });
    plots.draw(document.getElementById("plot-counters"), counters, { unit: "B/s", label: (s) => counterLabel(s.key), empty: "no counter rates in this window", ...common });
    plots.draw(document.getElementById("plot-radio-busy"), busy, { unit: "%", label: (s) => s.key, empty: "no channel utilisation in this window", ...common });
    plots.draw(document.getElementById("plot-radio-noise"), noise, { unit: "dBm", label: (s) => s.key, empty: "no noise readings in this window", ...common });
    const note = document.getElementById("plotnote");
    note.textContent = `${signal.source === "raw" && !step ? "raw samples" : `averages per ${signal.step / 1000} s (${signal.source})`}${[signal, paths, counters].some((a) => a.truncated) ? ", truncated" : ""}`;
  }

  async function load() {
    const id = state.id;
    const enc = encodeURIComponent(id);
    const [node, stations, paths, neighbors, routes, counters, events] = await Promise.all([
      api(`/api/nodes/${enc}`),
      api(`/api/nodes/${enc}/stations`),
      api(`/api/nodes/${enc}/mesh-paths`),
      api(`/api/nodes/${enc}/neighbors`),
      api(`/api/nodes/${enc}/routes`),
      api(`/api/nodes/${enc}/counters`),
      api(`/api/events?node=${enc}&limit=30`),
      names.load(),
    ]);
    names.learn(stations.items);
    await names.vendors(stations.items.filter((x) => !x.node).map((x) => x.mac));
    if (!state || state.id !== id) return;
    const cell = (k) => (r) => esc(typeof r[k] === "object" && r[k] !== null ? JSON.stringify(r[k]) : r[k]);
    const relayed = (p) => (p.nextHop !== p.dest ? ' <span class="pill relayed">relayed</span>' : "");
    const who = (m, n) => names.html(n || names.mac(m));
    const station = (x) => (x.node ? names.html(x.node) : `<span title="${esc(x.mac)}">${esc(names.mac(x.mac))}</span>${x.ip && x.ip !== names.mac(x.mac) ? ` <span class="muted">${esc(x.ip)}</span>` : ""}`);
    const via = (r) => (r.via ? `${names.html(names.addrNode(r.via) || r.via)}${r.iface ? ` <span class="muted">${esc(r.iface)}</span>` : ""}` : esc(r.iface || ""));
    document.getElementById("nodesum").innerHTML = `${pill(node.status)} ${esc(node.model || "")} ${esc(node.release || "")} · last snapshot ${esc(when(node.lastSnapshotTs))} · ${esc(node.stations)} stations, ${esc(node.peers)} mesh peers, ${esc(node.meshPaths)} mesh paths`;
    const box = (html) => `<div class="scroll">${html}</div>`;
    document.getElementById("tables").innerHTML =
      `<h3>Stations</h3>` + box(table([["station", station], ["maker", (x) => (x.node ? "" : `<span class="vendor">${esc(names.vendor(x.mac) || "unknown")}</span>`)], ["iface", cell("iface")], ["signal", (x) => (x.signalDbm == null ? "" : `${esc(x.signalDbm)} dBm`)], ["expected", (x) => (x.expectedThroughputMbps == null ? "" : `${esc(x.expectedThroughputMbps)} Mbit/s`)], ["peer link", cell("meshPlink")]], stations.items)) +
      `<h3>Mesh paths</h3>` + box(table([["destination", (p) => who(p.dest, p.destNode)], ["next hop", (p) => who(p.nextHop, p.nextHopNode) + relayed(p)], ["hops", cell("hopCount")], ["metric", cell("metric")]], paths.items)) +
      `<h3>Neighbours</h3>` + box(table([["neighbour", (n) => (n.node ? names.html(n.node) : esc(n.address))], ["iface", cell("iface")], ["metric", cell("metric")]], neighbors.items)) +
      `<h3>Routes</h3>` + box(table([["prefix", cell("prefix")], ["protocol", cell("protocol")], ["metric", cell("metric")], ["via", via]], routes.items)) +
      `<h3>Counters</h3>` + box(table([["counter", (c) => `<span title="${esc(c.key)}">${esc(counterLabel(c.key))}</span>`], ["packets", cell("packets")], ["bytes", cell("bytes")], ["rate", (c) => esc(plots.bytes(c.bytesPerSec))]], counters.items)) +
      `<h3>Events</h3><div id="nodeevents">` + table([["time", (e) => when(e.ts)], ["event", (e) => esc(e.code.replaceAll("_", " "))], ["subject", (e) => names.html(names.subject(e.subject))], ["before → after", (e) => `${names.html(names.value(e.before))} → ${names.html(names.value(e.after))}`]], events.events) + "</div>";
    document.querySelector("#nodeevents table").classList.add("stack");
    await charts(id, node, stations.items);
  }

  async function show(id, query) {
    leave();
    const win = sessionStorage.getItem("node.window") || "15m";
    const from = Number(query && query.get("from")), to = Number(query && query.get("to"));
    state = { id, win: WINDOWS[win] ? win : "15m", refresh: null, range: from > 0 && to > from ? { from, to } : null };
    state.refresh = throttle(() => (state && !state.range ? load() : undefined), REFRESH_MS);
    const view = document.getElementById("view");
    view.innerHTML = `<h2>${esc(id)}</h2><p id="nodesum" class="muted"></p>` +
      `<p>Window <select id="win">${Object.keys(WINDOWS).map((w) => `<option${w === state.win ? " selected" : ""}>${w}</option>`).join("")}</select> <span id="range" hidden>zoomed to <span></span> <button id="unzoom" class="small">Back to live</button></span> <span id="plotnote" class="muted"></span> <span class="muted">drag across a chart to zoom</span></p>` +
      `<div class="plots">${PANELS.map(([pid, title]) => `<section class="plot" id="${pid}"><h3>${esc(title)}</h3><div class="chart"></div><p class="empty muted"></p></section>`).join("")}</div>` +
      `<div id="tables"></div><section id="diag-panel"></section>`;
    showRange();
    document.getElementById("unzoom").onclick = () => {
      state.range = null;
      history.replaceState(null, "", `#/node/${encodeURIComponent(state.id)}`);
      showRange();
      void load().catch(() => {});
    };
    document.getElementById("win").addEventListener("change", (e) => {
      state.range = null;
      history.replaceState(null, "", `#/node/${encodeURIComponent(state.id)}`);
      showRange();
      state.win = /** @type {HTMLInputElement} */ (e.target).value;
      sessionStorage.setItem("node.window", state.win);
      void load().catch(() => {});
    });
    // The diagnostics panel (diag-panel.js) keeps its own state across refreshes.
    if (window.meshfleetDiag) void window.meshfleetDiag.mount(document.getElementById("diag-panel"), id).catch(() => {});
    await load();
  }

  function live(nodes) {
    if (state && nodes.includes(state.id)) state.refresh();
  }

  function leave() {
    if (state) state.refresh.cancel();
    if (window.meshfleetDiag) window.meshfleetDiag.unmount();
    state = null;
    plots.destroyAll();
  }

  window.meshfleet.pages.node = { show, live, leave };
})();
