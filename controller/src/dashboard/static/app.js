// meshfleet dashboard: hash-routed pages over the controller's JSON API, live updates
// from /api/live (server-sent events). Plain DOM, no build step. The node and topology
// pages live in their own files (node-page.js, topology-page.js) and handle their own
// live updates; the simpler pages here are refetched whole.
"use strict";
(() => {
  const { token, esc, api } = window.meshfleet;
  const names = window.meshfleetNames;
  const view = document.getElementById("view");

  let refresh = null; // the current page's refresh, called on live updates
  let gen = 0; // bumped on every navigation: an answer for an earlier page is dropped
  /** A check that stays true while the page that asked is still the one shown. */
  const guard = () => { const g = gen; return () => g === gen; };
  let current = null; // the current page when it is a module ({ show, live, leave })

  const pages = {
    async alert(id) {
      const still = guard();
      const [{ alert, events }, churn] = await Promise.all([api(`/api/alerts/${encodeURIComponent(id)}`), api("/api/churn").catch(() => null), names.load()]);
      if (!still()) return;
      view.innerHTML = window.meshfleetAlert.render(alert, events, churn && churn.thresholds);
    }
  };

  async function route() {
    const [h, query] = location.hash.replace(/^#\/?/, "").split("?");
    const [page, arg] = h.split("/");
    document.querySelectorAll("header nav a").forEach((/** @type {HTMLElement} */ a) => a.classList.toggle("active", a.getAttribute("href") === `#/${page || ""}`));
    gen++;
    if (current) current.leave();
    current = null;
    refresh = null;
    const mod = { "": window.meshfleet.pages.fleet, topology: window.meshfleet.pages.topology, node: window.meshfleet.pages.node, events: window.meshfleet.pages.events, jobs: window.meshfleet.pages.jobs, alerts: window.meshfleet.pages.alerts, clients: window.meshfleet.pages.clients, client: window.meshfleet.pages.client }[page || ""];
    const fn = mod
      ? () => mod.show(decodeURIComponent(arg || ""), new URLSearchParams(query || ""))
      : { alert: () => pages.alert(arg) }[page || ""];
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
