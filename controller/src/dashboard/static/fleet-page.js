// meshfleet dashboard: the fleet at a glance. A health summary on top (nodes online,
// mesh links degraded or down, open alerts by severity), then one row per node with its
// state, open alerts by severity, uptime, load, memory, last reboot and agent version;
// sorted by any column (click its header; the choice is kept). On a phone the table
// scrolls sideways with the node names kept in view.
"use strict";
(() => {
  const { api, esc, pill, throttle } = window.meshfleet;
  const SEV = ["critical", "warning", "info"];
  let state = null; // { sort, dir, refresh }
  /** @type {(id: string) => any} the page's own elements by id (inputs, forms, buttons) */
  const $ = (id) => document.getElementById(id);

  const ago = (ms) => {
    if (!ms) return "";
    const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : s < 172_800 ? `${Math.round(s / 3600)} h ago` : `${Math.round(s / 86_400)} d ago`;
  };
  const span = (sec) => (sec == null ? "" : sec < 3600 ? `${Math.floor(sec / 60)} min` : sec < 172_800 ? `${Math.floor(sec / 3600)} h ${Math.floor((sec % 3600) / 60)} min` : `${Math.floor(sec / 86_400)} d ${Math.floor((sec % 86_400) / 3600)} h`);
  const memUsed = (n) => (n.system && n.system.memTotalKb ? 1 - (n.system.memFreeKb ?? 0) / n.system.memTotalKb : null);
  const STATUS_ORDER = { offline: 0, unknown: 1, online: 2 };

  /** Columns: [title, cell html, sort value, class]. @type {[string, (n: any) => string, (n: any) => string | number, string][]} */
  const COLS = [
    ["node", (n) => `<a href="#/node/${esc(n.id)}">${esc(n.id)}</a>`, (n) => n.id, "sticky"],
    ["status", (n) => pill(n.status), (n) => STATUS_ORDER[n.status] ?? 1, ""],
    ["alerts", (n) => SEV.filter((s) => n.sev[s]).map((s) => `<span class="pill ${s}" title="${n.sev[s]} open ${s}">${n.sev[s]} ${s}</span>`).join(" ") || '<span class="muted">–</span>', (n) => -(n.sev.critical * 1e6 + n.sev.warning * 1e3 + n.sev.info), ""],
    ["uptime", (n) => esc(span(n.system && n.system.uptimeSec)), (n) => (n.system && n.system.uptimeSec) ?? -1, "num"],
    ["load", (n) => esc(n.system && n.system.load1 != null ? n.system.load1.toFixed(2) : ""), (n) => (n.system && n.system.load1) ?? -1, "num"],
    ["memory", (n) => { const m = memUsed(n); return m == null ? "" : `<span class="bar"><i style="width:${Math.round(m * 100)}%"></i></span> ${Math.round(m * 100)}%`; }, (n) => memUsed(n) ?? -1, "num"],
    ["last reboot", (n) => `<span title="${n.bootedAt ? esc(new Date(n.bootedAt).toLocaleString()) : ""}">${esc(ago(n.bootedAt))}</span>`, (n) => -(n.bootedAt ?? 0), ""],
    ["agent", (n) => esc(n.agentVersion || ""), (n) => n.agentVersion || "", "opt"],
    ["model", (n) => esc(n.model || ""), (n) => n.model || "", "opt"],
    ["release", (n) => esc(n.release || ""), (n) => n.release || "", "opt"],
    ["stations", (n) => esc(n.stations), (n) => n.stations, "num"],
    ["mesh peers", (n) => esc(n.peers), (n) => n.peers, "num"],
    ["last seen", (n) => esc(ago(n.lastSeen)), (n) => -(n.lastSeen ?? 0), ""],
  ];

  function summary(nodes, alerts, links) {
    const online = nodes.filter((n) => n.status === "online").length;
    const bySev = Object.fromEntries(SEV.map((s) => [s, alerts.filter((a) => a.severity === s).length]));
    const judged = links.filter((l) => typeof (l.properties || {}).health === "string");
    const degraded = judged.filter((l) => l.properties.health === "degraded").length;
    const down = judged.filter((l) => l.properties.health === "down").length;
    const card = (cls, big, small, id) => `<div class="card ${cls}" id="${id}"><b>${big}</b><span>${small}</span></div>`;
    return `<div class="cards">` +
      card(online === nodes.length ? "ok" : "bad", `${online}/${nodes.length}`, "nodes online", "sum-online") +
      card(down ? "bad" : degraded ? "warn" : "ok", judged.length ? `${degraded + down}` : "–", judged.length ? `of ${judged.length} mesh links degraded${down ? ` (${down} down)` : ""}` : "mesh links: no health yet", "sum-links") +
      card(bySev.critical ? "bad" : bySev.warning ? "warn" : "ok", `${alerts.length}`, `open alerts${alerts.length ? `: ${SEV.filter((s) => bySev[s]).map((s) => `${bySev[s]} ${s}`).join(", ")}` : ""}`, "sum-alerts") +
      `</div>`;
  }

  async function load() {
    const s = state;
    const [{ nodes }, { alerts }, topo] = await Promise.all([api("/api/nodes"), api("/api/alerts?state=open&limit=1000"), api("/api/topology").catch(() => ({ links: [] }))]);
    if (state !== s || !$("fleet")) return;
    for (const n of nodes) {
      n.sev = { critical: 0, warning: 0, info: 0 };
      for (const a of alerts) if (a.node === n.id && n.sev[a.severity] !== undefined) n.sev[a.severity]++;
    }
    const col = COLS.find((c) => c[0] === s.sort) || COLS[0];
    const sorted = [...nodes].sort((a, b) => { const x = col[2](a), y = col[2](b); return (x < y ? -1 : x > y ? 1 : a.id.localeCompare(b.id)) * s.dir; });
    $("fleet").innerHTML = `<h2>Fleet <span class="muted">${nodes.length} nodes</span></h2>` + summary(nodes, alerts, topo.links) +
      `<div class="scroll"><table id="nodes"><thead><tr>${COLS.map((c) => `<th class="${c[3]}" data-col="${esc(c[0])}" aria-sort="${c === col ? (s.dir > 0 ? "ascending" : "descending") : "none"}">${esc(c[0])}${c === col ? (s.dir > 0 ? " ▲" : " ▼") : ""}</th>`).join("")}</tr></thead>` +
      `<tbody>${sorted.map((n) => `<tr>${COLS.map((c) => `<td class="${c[3]}">${c[1](n)}</td>`).join("")}</tr>`).join("")}</tbody></table></div>`;
    $("fleet").querySelectorAll("th[data-col]").forEach((/** @type {HTMLElement} */ th) => (th.onclick = () => {
      const c = th.dataset.col;
      s.dir = s.sort === c ? -s.dir : 1;
      s.sort = c;
      sessionStorage.setItem("fleet.sort", JSON.stringify([s.sort, s.dir]));
      void load();
    }));
  }

  async function show() {
    leave();
    let saved = ["node", 1];
    try { saved = JSON.parse(sessionStorage.getItem("fleet.sort") || "null") || saved; } catch { /* default order */ }
    state = { sort: saved[0], dir: saved[1] === -1 ? -1 : 1, refresh: null };
    state.refresh = throttle(() => (state ? load() : undefined), 3000);
    $("view").innerHTML = `<div id="fleet"><p class="muted">loading…</p></div>`;
    await load();
  }
  function live() { if (state) state.refresh(); }
  function leave() { if (state) state.refresh.cancel(); state = null; }

  window.meshfleet.pages.fleet = { show, live, leave };
})();
