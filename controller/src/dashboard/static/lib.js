// meshfleet dashboard: what every page uses (API access with the bearer token, escaping,
// tables). Pages kept in their own files register in `meshfleet.pages` as
// { show(arg), live(changedNodeIds), leave() }.
"use strict";
window.meshfleet = (() => {
  const qs = new URLSearchParams(location.search);
  if (qs.get("token")) {
    localStorage.setItem("meshfleet.token", qs.get("token"));
    history.replaceState(null, "", location.pathname + location.hash);
  }
  const token = localStorage.getItem("meshfleet.token");
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const when = (ms) => (ms ? new Date(ms).toLocaleTimeString() : "");
  const pill = (s) => `<span class="pill ${esc(s)}">${esc(s)}</span>`;
  async function api(path, init = {}) {
    const r = await fetch(path, { ...init, headers: { ...headers, ...(init.body ? { "content-type": "application/json" } : {}) } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw Object.assign(new Error(body.message || r.statusText), { status: r.status, body });
    return body;
  }
  const table = (cols, rows) =>
    `<table><thead><tr>${cols.map((c) => `<th>${esc(c[0])}</th>`).join("")}</tr></thead><tbody>${
      rows.length ? rows.map((r) => `<tr>${cols.map((c) => `<td>${c[1](r)}</td>`).join("")}</tr>`).join("") : `<tr><td colspan="${cols.length}" class="muted">none</td></tr>`
    }</tbody></table>`;
  /**
   * Calls `fn` at most once per `ms`: a call inside the window runs once at its end, and
   * never while the previous run is still going.
   */
  function throttle(fn, ms) {
    let last = 0;
    let timer = null;
    let running = false;
    const run = async () => {
      timer = null;
      if (running) return void (timer = setTimeout(run, ms));
      running = true;
      last = Date.now();
      try { await fn(); } catch { /* the next update retries */ } finally { running = false; }
    };
    const call = () => {
      if (timer) return;
      const wait = Math.max(0, last + ms - Date.now());
      timer = setTimeout(run, wait);
    };
    call.cancel = () => { if (timer) clearTimeout(timer); timer = null; };
    return call;
  }
  return { token, esc, when, pill, api, table, throttle, pages: {} };
})();
