// meshfleet dashboard: the event log. Names instead of MACs and addresses, what changed
// as before -> after columns, filters by node, code and time (a window back from now, or
// any range from - to, kept in the address: #/events?from=MS&to=MS), pages of PAGE events
// going back in time (each older page starts at the last event shown).
"use strict";
(() => {
  const { api, esc, table } = window.meshfleet;
  const names = window.meshfleetNames;
  const PAGE = 50;
  const WINDOWS = { "15 min": 15 * 60_000, "1 h": 3_600_000, "6 h": 6 * 3_600_000, "24 h": 24 * 3_600_000, all: 0, "from – to": -1 };
  const RANGE = "from – to";
  let state = null; // { node, code, win, from, to (ms, for RANGE), pages: [until|null], codes: Set }
  /** @type {(id: string) => any} the page's own elements by id (inputs, forms, buttons) */
  const $ = (id) => document.getElementById(id);
  const stamp = (ms) => { const d = new Date(ms); return `${d.toLocaleDateString([], { month: "short", day: "numeric" })} ${d.toLocaleTimeString()}`; };
  /** ms <-> the local "YYYY-MM-DDTHH:MM:SS" of a datetime-local input. */
  const pad = (n) => String(n).padStart(2, "0");
  const toInput = (ms) => { const d = new Date(ms); return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`; };
  const fromInput = (v) => { const t = new Date(v).getTime(); return Number.isFinite(t) ? t : null; };

  async function load() {
    const s = state;
    const range = s.win === RANGE;
    const until = s.pages[s.pages.length - 1] ?? (range ? s.to : null);
    const q = new URLSearchParams({ limit: String(PAGE + 1) });
    if (s.node) q.set("node", s.node);
    if (s.code) q.set("code", s.code);
    if (range) q.set("since", String(s.from));
    else if (WINDOWS[s.win]) q.set("since", String(Date.now() - WINDOWS[s.win]));
    if (until !== null) q.set("until", String(until));
    const [{ events }] = await Promise.all([api(`/api/events?${q}`), names.load()]);
    if (state !== s || !$("evtable")) return;
    const shown = events.slice(0, PAGE);
    for (const e of shown) s.codes.add(e.code);
    $("evtable").innerHTML = table(
      [
        ["time", (e) => esc(stamp(e.ts))],
        ["node", (e) => names.html(e.node)],
        ["event", (e) => esc(e.code.replaceAll("_", " "))],
        ["subject", (e) => `<span title="${esc(e.subject)}">${names.html(names.subject(e.subject))}</span>`],
        ["before", (e) => names.html(names.value(e.before))],
        ["", () => "→"],
        ["after", (e) => names.html(names.value(e.after))],
      ],
      shown,
    );
    $("evtable").querySelector("table").id = "events";
    $("evtable").querySelector("table").classList.add("stack");
    $("evpage").textContent = shown.length ? `${s.pages.length > 1 ? `page ${s.pages.length}, ` : ""}${shown.length} event${shown.length > 1 ? "s" : ""}, ${stamp(shown[shown.length - 1].ts)} – ${stamp(shown[0].ts)}` : range ? `no events between ${stamp(s.from)} and ${stamp(s.to)}` : "";
    $("newer").disabled = s.pages.length <= 1;
    $("older").disabled = events.length <= PAGE;
    $("older").onclick = () => { s.pages.push(shown[shown.length - 1].ts); void load(); };
    $("fcode").innerHTML = `<option value="">all events</option>${[...s.codes].sort().map((c) => `<option value="${esc(c)}"${c === s.code ? " selected" : ""}>${esc(c.replaceAll("_", " "))}</option>`).join("")}`;
  }

  async function show(_arg, query) {
    leave();
    const qFrom = Number(query && query.get("from")), qTo = Number(query && query.get("to"));
    const given = qFrom > 0 && qTo > qFrom;
    state = { node: sessionStorage.getItem("ev.node") || "", code: sessionStorage.getItem("ev.code") || "", win: given ? RANGE : sessionStorage.getItem("ev.win") || "1 h", from: given ? qFrom : Date.now() - 3_600_000, to: given ? qTo : Date.now(), pages: [null], codes: new Set() };
    if (!(state.win in WINDOWS) || (state.win === RANGE && !given)) state.win = "1 h";
    if (state.code) state.codes.add(state.code);
    const { nodes } = await api("/api/nodes");
    $("view").innerHTML = `<h2>Events</h2><p class="controls">` +
      `<select id="fnode"><option value="">all nodes</option>${nodes.map((n) => `<option${n.id === state.node ? " selected" : ""}>${esc(n.id)}</option>`).join("")}</select> ` +
      `<select id="fcode"></select> ` +
      `<select id="fwin">${Object.keys(WINDOWS).map((w) => `<option${w === state.win ? " selected" : ""}>${w}</option>`).join("")}</select> ` +
      `<span id="range"${state.win === RANGE ? "" : " hidden"}><label class="inline">from <input id="ffrom" type="datetime-local" step="1" value="${toInput(state.from)}"></label> <label class="inline">to <input id="fto" type="datetime-local" step="1" value="${toInput(state.to)}"></label> <span class="err" id="rangeerr"></span></span> ` +
      `<button id="newer" class="small">Newer</button><button id="older" class="small">Older</button> <span id="evpage" class="muted"></span></p><div id="evtable"></div>`;
    const refilter = () => {
      const win = $("fwin").value;
      const from = fromInput($("ffrom").value), to = fromInput($("fto").value);
      $("range").hidden = win !== RANGE;
      $("rangeerr").textContent = "";
      if (win === RANGE && (from === null || to === null || to <= from)) { $("rangeerr").textContent = "give a start before the end"; return; }
      state = { ...state, node: $("fnode").value, code: $("fcode").value, win, ...(win === RANGE ? { from, to } : {}), pages: [null] };
      sessionStorage.setItem("ev.node", state.node);
      sessionStorage.setItem("ev.code", state.code);
      if (win !== RANGE) sessionStorage.setItem("ev.win", win);
      // A range is kept in the address, so the page can be reloaded or sent to someone.
      history.replaceState(null, "", win === RANGE ? `#/events?from=${state.from}&to=${state.to}` : "#/events");
      void load();
    };
    for (const id of ["fnode", "fcode", "fwin", "ffrom", "fto"]) $(id).addEventListener("change", refilter);
    $("newer").onclick = () => { if (state.pages.length > 1) { state.pages.pop(); void load(); } };
    await load();
  }

  function leave() { state = null; }

  window.meshfleet.pages.events = { show, live: () => {}, leave };
})();
