// meshfleet dashboard: hash-routed pages over the controller's JSON API, live updates
// from /api/live (server-sent events). Plain DOM, no build step. The node and topology
// pages live in their own files (node-page.js, topology-page.js) and handle their own
// live updates; the simpler pages here are refetched whole.
"use strict";
(() => {
  const { token, esc, when, pill, api, table } = window.meshfleet;
  const names = window.meshfleetNames;
  const view = document.getElementById("view");

  let refresh = null; // the current page's refresh, called on live updates
  let gen = 0; // bumped on every navigation: an answer for an earlier page is dropped
  /** A check that stays true while the page that asked is still the one shown. */
  const guard = () => { const g = gen; return () => g === gen; };
  let current = null; // the current page when it is a module ({ show, live, leave })

  const pages = {
    async alerts() {
      const still = guard();
      const [{ alerts }] = await Promise.all([api("/api/alerts?limit=200"), names.load()]);
      if (!still()) return;
      view.innerHTML = `<h2>Alerts</h2>` +
        table(
          [
            ["state", (a) => pill(a.state)],
            ["severity", (a) => pill(a.severity)],
            ["code", (a) => esc(a.code)],
            ["summary", (a) => `<a href="#/alert/${esc(a.id)}">${esc(names.text(a.summary))}</a>`],
            ["opened", (a) => when(a.openedAt)],
            ["resolved", (a) => when(a.resolvedAt)],
          ],
          alerts,
        );
      view.querySelector("table").id = "alerts";
    },
    async alert(id) {
      const still = guard();
      const [{ alert, events }] = await Promise.all([api(`/api/alerts/${encodeURIComponent(id)}`), names.load()]);
      if (!still()) return;
      const scores = alert.evidence.scores || [];
      const max = Math.max(1, ...scores.map((s) => s.score));
      const t0 = scores.length ? scores[0].ts : 0;
      const t1 = scores.length ? scores[scores.length - 1].ts : 1;
      const pts = scores.map((s) => `${(((s.ts - t0) / Math.max(1, t1 - t0)) * 580 + 10).toFixed(1)},${(190 - (s.score / max) * 180).toFixed(1)}`).join(" ");
      view.innerHTML = `<h2>${pill(alert.state)} ${esc(names.text(alert.summary))}</h2><h3>Churn score</h3>` +
        `<svg width="600" height="200" style="background:#fff;border:1px solid #e3e8ef"><polyline fill="none" stroke="#0b65c2" stroke-width="2" points="${pts}"/></svg>` +
        `<h3>Evidence</h3>` + table([["time", (e) => when(e.ts)], ["node", (e) => names.html(e.node)], ["event", (e) => esc(e.code.replaceAll("_", " "))], ["subject", (e) => names.html(names.subject(e.subject))], ["before", (e) => names.html(names.value(e.before))], ["after", (e) => names.html(names.value(e.after))]], events);
    }
  };

  async function route() {
    const [h, query] = location.hash.replace(/^#\/?/, "").split("?");
    const [page, arg] = h.split("/");
    document.querySelectorAll("header nav a").forEach((a) => a.classList.toggle("active", a.getAttribute("href") === `#/${page || ""}`));
    gen++;
    if (current) current.leave();
    current = null;
    refresh = null;
    const mod = { "": window.meshfleet.pages.fleet, topology: window.meshfleet.pages.topology, node: window.meshfleet.pages.node, events: window.meshfleet.pages.events, jobs: window.meshfleet.pages.jobs }[page || ""];
    const fn = mod
      ? () => mod.show(decodeURIComponent(arg || ""), new URLSearchParams(query || ""))
      : { alerts: () => pages.alerts(), alert: () => pages.alert(arg) }[page || ""];
    if (!fn) { view.innerHTML = "<h2>Not found</h2>"; return; }
    if (mod) current = mod;
    else refresh = fn;
    view.innerHTML = '<p class="muted">loading…</p>';
    try { await fn(); } catch (err) { view.innerHTML = `<h2>Error</h2><p>${esc(err.message)}</p>${err.status === 401 ? "<p>Open the dashboard link with its <code>?token=</code>.</p>" : ""}`; }
  }
  window.addEventListener("hashchange", () => void route());
  void route();

  let busy = false;
  const live = new EventSource(`/api/live${token ? `?token=${encodeURIComponent(token)}` : ""}`);
  const liveEl = document.getElementById("live");
  live.addEventListener("hello", () => (liveEl.textContent = "live"));
  live.addEventListener("nodes", (e) => {
    liveEl.textContent = `live · ${new Date().toLocaleTimeString()}`;
    let nodes = [];
    try { nodes = JSON.parse(e.data).nodes || []; } catch { /* a malformed event refreshes nothing */ }
    if (current) return current.live(nodes);
    const page = location.hash.replace(/^#\/?/, "").split("/")[0];
    if (busy || !refresh || page === "alert") return;
    busy = true;
    Promise.resolve(refresh()).catch(() => {}).finally(() => (busy = false));
  });
  live.onerror = () => (liveEl.textContent = "reconnecting…");
})();
