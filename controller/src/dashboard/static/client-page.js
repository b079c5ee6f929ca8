// meshfleet dashboard: clients (stations). `#/clients` searches by MAC, hostname or IP and
// shows roaming quality (fleet-wide, per AP pair, 802.11r per SSID, before/after a job);
// `#/client/<mac>` tells one client's story: the AP and band it was on over time, its
// signal and rates, each roam with its gap, hostname/IP, first and last seen.
"use strict";
(() => {
  const { api, esc, when, table, throttle } = window.meshfleet;
  const plots = window.meshfleetPlots;
  const names = window.meshfleetNames;
  const REFRESH_MS = 5000;
  const WINDOWS = { "15m": 15 * 60_000, "1h": 3_600_000, "6h": 6 * 3_600_000, "24h": 24 * 3_600_000 };
  /** A roam slower than this is flagged (the API's default threshold). */
  const SLOW_MS = 2000;
  let state = null; // { kind: "list" | "client", arg, refresh }

  const ms = (v) => (v == null ? "–" : `${Math.round(v)} ms`);
  const span = (a, b) => {
    const s = Math.round((b - a) / 1000);
    return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  };
  const day = (t) => (t ? new Date(t).toLocaleString() : "–");
  const band = (b) => (b ? `${esc(b)} GHz` : "");
  const gapCell = (g) => `${esc(ms(g))}${g > SLOW_MS ? ' <span class="pill warning">slow</span>' : ""}`;

  // ---- #/clients: search and roaming quality -------------------------------------------

  function statsRow(label, s) {
    return `<tr><th>${esc(label)}</th><td class="num">${esc(s.roams)}</td><td class="num">${esc(ms(s.medianGapMs))}</td><td class="num">${esc(ms(s.p95GapMs))}</td><td class="num">${esc(s.slow)}</td><td class="num">${esc(s.failed ?? "")}</td></tr>`;
  }
  const statsHead = `<thead><tr><th></th><th class="num">roams</th><th class="num">median gap</th><th class="num">p95 gap</th><th class="num">slow</th><th class="num">failed</th></tr></thead>`;

  function roamingHtml(q) {
    const ftCell = (f) => `<span class="pill ${f.inUse === "yes" ? "ok" : f.inUse === "no" ? "unknown" : "warning"}">${esc(f.inUse)}</span>`;
    return `<div class="cards" id="roam-fleet">` +
      `<div class="card"><b>${esc(q.fleet.roams)}</b><span>roams</span></div>` +
      `<div class="card"><b>${esc(ms(q.fleet.medianGapMs))}</b><span>median gap</span></div>` +
      `<div class="card"><b>${esc(ms(q.fleet.p95GapMs))}</b><span>p95 gap</span></div>` +
      `<div class="card ${q.fleet.slow ? "warn" : "ok"}"><b>${esc(q.fleet.slow)}</b><span>slow (gap &gt; ${esc(q.slowMs)} ms)</span></div>` +
      `<div class="card ${q.fleet.failed ? "bad" : "ok"}"><b>${esc(q.fleet.failed)}</b><span>failed (left, no reassociation)</span></div></div>` +
      `<h3>Per AP pair</h3><div class="scroll" id="roam-pairs">` +
      table([["from → to", (p) => `${names.html(p.from)} → ${names.html(p.to)}`], ["roams", (p) => esc(p.roams)], ["median gap", (p) => esc(ms(p.medianGapMs))], ["p95 gap", (p) => esc(ms(p.p95GapMs))], ["slow", (p) => esc(p.slow)]], q.pairs) +
      `</div><h3>802.11r (fast transition) per SSID</h3><div class="scroll" id="roam-ft">` +
      table([["SSID", (f) => esc(f.ssid)], ["APs", (f) => esc(f.aps)], ["with 802.11r", (f) => esc(f.withFt)], ["in use", ftCell]], q.ft) + `</div>`;
  }

  async function compare(jobId) {
    const el = document.getElementById("roam-compare");
    if (!jobId) { el.innerHTML = ""; return; }
    const r = await api(`/api/roaming?job=${encodeURIComponent(jobId)}`);
    if (!state || state.kind !== "list") return;
    el.innerHTML = `<p class="muted">job ${esc(r.job.template)} · the hour before it started (${esc(day(r.job.createdAt))}) and the hour after it finished (${esc(day(r.job.finishedAt))})</p>` +
      `<div class="scroll"><table id="roam-compare-table">${statsHead}<tbody>${statsRow("before", r.before.fleet)}${statsRow("after", r.after.fleet)}</tbody></table></div>`;
  }

  async function loadList() {
    const q = /** @type {HTMLInputElement} */ (document.getElementById("client-q")).value;
    const [found, roaming, jobs] = await Promise.all([
      api(`/api/clients?q=${encodeURIComponent(q)}&limit=200`),
      api("/api/roaming"),
      api("/api/jobs?limit=50").catch(() => ({ jobs: [] })),
      names.load(),
    ]);
    if (!state || state.kind !== "list") return;
    const link = (c) => `<a href="#/client/${encodeURIComponent(c.mac)}">${esc(c.mac)}</a>`;
    document.getElementById("client-list").innerHTML = table(
      [["MAC", link], ["hostname", (c) => esc(c.hostname || "")], ["IP", (c) => esc(c.ip || "")], ["on", (c) => (c.node ? `${names.html(c.node)} <span class="muted">${esc(c.iface)}</span>` : '<span class="muted">not associated</span>')], ["band", (c) => band(c.band)], ["signal", (c) => (c.signalDbm == null ? "" : `${esc(c.signalDbm)} dBm`)]],
      found.clients,
    );
    document.querySelector("#client-list table").id = "clients";
    document.getElementById("roaming").innerHTML = roamingHtml(roaming);
    const sel = /** @type {HTMLSelectElement} */ (document.getElementById("roam-job"));
    const have = sel.value;
    sel.innerHTML = `<option value="">choose a job…</option>` + jobs.jobs.map((j) => `<option value="${esc(j.id)}">${esc(j.template)} · ${esc(day(j.createdAt))}</option>`).join("");
    // The newest roaming job is compared unless another was picked; the comparison follows each
    // refresh, since the hour after a job keeps filling with roams.
    const pick = jobs.jobs.some((j) => j.id === have) ? have : (jobs.jobs.find((j) => /roam/i.test(j.template)) || {}).id || "";
    sel.value = pick;
    await compare(pick);
  }

  async function showList(_arg, query) {
    const view = document.getElementById("view");
    const q = (query && query.get("q")) || "";
    view.innerHTML = `<h2>Clients</h2><p><input id="client-q" type="search" placeholder="MAC, hostname or IP" value="${esc(q)}" autocomplete="off"> <span class="muted">search by MAC, hostname or IP</span></p>` +
      `<div id="client-list" class="scroll"></div>` +
      `<h2>Roaming quality <span class="muted">last 24 h</span></h2><div id="roaming"></div>` +
      `<h3>Before and after a job</h3><p><select id="roam-job"></select></p><div id="roam-compare"></div>`;
    const input = /** @type {HTMLInputElement} */ (document.getElementById("client-q"));
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        history.replaceState(null, "", `#/clients${input.value ? `?q=${encodeURIComponent(input.value)}` : ""}`);
        void loadList().catch(() => {});
      }, 200);
    });
    document.getElementById("roam-job").addEventListener("change", (e) => void compare(/** @type {HTMLInputElement} */ (e.target).value).catch((err) => {
      document.getElementById("roam-compare").innerHTML = `<p class="err">${esc(err.message)}</p>`;
    }));
    state.refresh = throttle(() => (state && state.kind === "list" ? loadList() : undefined), REFRESH_MS);
    await loadList();
  }

  // ---- #/client/<mac>: one client's story ----------------------------------------------

  /** One column per AP (node/iface): the signal where the client was on it, null elsewhere. */
  function perAp(h) {
    const ts = [...new Set(h.samples.map((s) => s.ts))].sort((a, b) => a - b);
    const at = new Map(ts.map((t, i) => [t, i]));
    const aps = new Map();
    for (const s of h.samples) {
      const key = `${s.node}/${s.iface}`;
      if (!aps.has(key)) aps.set(key, { key, node: s.node, band: s.band, values: ts.map(() => null) });
      aps.get(key).values[at.get(s.ts)] = s.signalDbm;
    }
    return { ts, series: [...aps.values()] };
  }
  function rates(h) {
    const ts = h.samples.map((s) => s.ts);
    return { ts, series: [{ key: "tx", node: null, values: h.samples.map((s) => s.txMbps) }, { key: "rx", node: null, values: h.samples.map((s) => s.rxMbps) }] };
  }

  /** A range picked on a chart (as on the node page): both charts and the tables show it, the address keeps it, live updates wait. */
  function zoom(from, to) {
    if (!state || state.kind !== "client") return;
    state.range = { from, to };
    history.replaceState(null, "", `#/client/${encodeURIComponent(state.arg)}?from=${from}&to=${to}`);
    showRange();
    void loadClient().catch(() => {});
  }
  function unzoom() {
    state.range = null;
    history.replaceState(null, "", `#/client/${encodeURIComponent(state.arg)}`);
    showRange();
  }
  function showRange() {
    const el = document.getElementById("client-range");
    if (!el) return;
    el.hidden = !state.range;
    if (state.range) el.querySelector("span").textContent = `${new Date(state.range.from).toLocaleTimeString()} – ${new Date(state.range.to).toLocaleTimeString()}`;
  }

  async function loadClient() {
    const mac = state.arg;
    const to = state.range ? state.range.to : Date.now();
    const from = state.range ? state.range.from : to - WINDOWS[state.win];
    const h = await api(`/api/clients/${encodeURIComponent(mac)}?from=${from}&to=${to}`);
    await names.load();
    if (!state || state.kind !== "client" || state.arg !== mac) return;
    document.getElementById("client-title").textContent = h.hostname ? `${h.hostname} (${h.mac})` : h.mac;
    const now = h.now && h.now.node ? `${names.html(h.now.node)} <span class="muted">${esc(h.now.iface)}</span> ${band(h.now.band)}${h.now.signalDbm == null ? "" : ` · ${esc(h.now.signalDbm)} dBm`}` : '<span class="muted">not associated</span>';
    document.getElementById("client-sum").innerHTML =
      `<tr><th>MAC</th><td data-k="mac">${esc(h.mac)}</td></tr>` +
      `<tr><th>hostname</th><td data-k="hostname">${esc(h.hostname || "–")}</td></tr>` +
      `<tr><th>IP</th><td data-k="ip">${esc(h.ip || "–")}</td></tr>` +
      `<tr><th>now on</th><td data-k="now">${now}</td></tr>` +
      `<tr><th>first seen</th><td data-k="first">${esc(day(h.firstSeen))}</td></tr>` +
      `<tr><th>last seen</th><td data-k="last">${esc(day(h.lastSeen))}</td></tr>` +
      `<tr><th>roams in window</th><td data-k="roams">${esc(h.roams.length)}</td></tr>`;
    const marks = h.roams.map((r) => ({ ts: r.ts, kind: "roam", text: `${r.from} → ${r.to}` }));
    plots.draw(document.getElementById("plot-client-signal"), perAp(h), { unit: "dBm", label: (s) => `${s.node} ${s.key.split("/")[1]}${s.band ? ` (${s.band} GHz)` : ""}`, empty: "not seen in this window", marks, onZoom: zoom });
    plots.draw(document.getElementById("plot-client-rates"), rates(h), { unit: "Mbit/s", label: (s) => (s.key === "tx" ? "tx bitrate" : "rx bitrate"), empty: "no rates in this window", marks, onZoom: zoom });
    document.getElementById("client-segments").innerHTML = table(
      [["AP", (s) => `${names.html(s.node)} <span class="muted">${esc(s.iface)}</span>`], ["band", (s) => band(s.band)], ["from", (s) => esc(when(s.from))], ["to", (s) => esc(when(s.to))], ["for", (s) => esc(span(s.from, s.to))]],
      h.segments,
    );
    document.getElementById("client-roams").innerHTML = table(
      [["time", (r) => esc(when(r.ts))], ["from", (r) => `${names.html(r.from)} <span class="muted">${esc(r.fromIface)}</span>`], ["to", (r) => `${names.html(r.to)} <span class="muted">${esc(r.toIface)}</span>`], ["gap", (r) => gapCell(r.gapMs)]],
      h.roams,
    );
    document.getElementById("client-note").textContent = h.truncated ? "samples truncated" : `${h.samples.length} samples`;
  }

  async function showClient(mac, query) {
    const from = Number(query && query.get("from")), to = Number(query && query.get("to"));
    state.range = from > 0 && to > from ? { from, to } : null;
    const view = document.getElementById("view");
    view.innerHTML = `<p><a href="#/clients">← clients</a></p><h2 id="client-title">${esc(mac)}</h2>` +
      `<div class="scroll"><table id="client-sum" class="compact"></table></div>` +
      `<p>Window <select id="client-win">${Object.keys(WINDOWS).map((w) => `<option${w === state.win ? " selected" : ""}>${w}</option>`).join("")}</select> <span id="client-range" hidden>zoomed to <span></span> <button id="client-unzoom" class="small">Back to live</button></span> <span id="client-note" class="muted"></span> <span class="muted">drag across a chart to zoom</span></p>` +
      `<div class="plots narrow-ok"><section class="plot" id="plot-client-signal"><h3>Signal per AP (dBm)</h3><div class="chart"></div><p class="empty muted"></p></section>` +
      `<section class="plot" id="plot-client-rates"><h3>Bitrates (Mbit/s)</h3><div class="chart"></div><p class="empty muted"></p></section></div>` +
      `<h3>Where it was</h3><div id="client-segments" class="scroll"></div><h3>Roams</h3><div id="client-roams" class="scroll"></div>`;
    showRange();
    document.getElementById("client-unzoom").onclick = () => {
      unzoom();
      void loadClient().catch(() => {});
    };
    document.getElementById("client-win").addEventListener("change", (e) => {
      unzoom();
      state.win = /** @type {HTMLInputElement} */ (e.target).value;
      sessionStorage.setItem("client.window", state.win);
      void loadClient().catch(() => {});
    });
    state.refresh = throttle(() => (state && state.kind === "client" && !state.range ? loadClient() : undefined), REFRESH_MS);
    await loadClient();
  }

  function page(kind) {
    return {
      async show(arg, query) {
        leave();
        const win = sessionStorage.getItem("client.window") || "1h";
        state = { kind, arg: arg.toLowerCase(), win: WINDOWS[win] ? win : "1h", refresh: null, range: null };
        return kind === "list" ? showList(arg, query) : showClient(state.arg, query);
      },
      live() {
        if (state && state.refresh) state.refresh();
      },
      leave,
    };
  }
  function leave() {
    if (state && state.refresh) state.refresh.cancel();
    state = null;
    plots.destroyAll();
  }

  window.meshfleet.pages.clients = page("list");
  window.meshfleet.pages.client = page("client");
})();
