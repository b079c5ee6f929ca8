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
    },
    async jobs() {
      if (!document.getElementById("jobform")) {
        view.innerHTML = `<h2>Jobs</h2><div class="row"><form id="jobform" onsubmit="return false">
          <label>Template</label><select name="template"><option>roaming</option><option>ssid</option><option>mesh</option><option>routing-firewall</option></select>
          <label>Target</label><input name="target" value="all"><span class="err" data-for="target"></span>
          <label>SSID</label><input name="ssid" value="meshfleet"><span class="err" data-for="params.ssid"></span>
          <label>Key</label><input name="key" type="password" value=""><span class="err" data-for="params.key"></span>
          <label>Mobility domain (4 hex digits)</label><input name="mobility_domain" value="4f2a"><span class="err" data-for="params.mobility_domain"></span>
          <div class="err" data-for="(other)"></div>
          <button id="dry">Dry run</button><button id="create">Create job</button></form><div id="plan" style="flex:1"></div></div><h3>Jobs</h3><div id="joblist"></div>`;
        const f = document.getElementById("jobform");
        const body = () => {
          const v = (n) => f.elements[n].value;
          const params = { ssid: v("ssid"), key: v("key") };
          if (v("template") === "roaming") params.mobility_domain = v("mobility_domain");
          return { template: v("template"), target: v("target"), params, rollout: { canary: 1, batchSize: 10 } };
        };
        const submit = async (dry) => {
          f.querySelectorAll(".err").forEach((e) => (e.textContent = ""));
          try {
            const r = await api(`/api/jobs${dry ? "?dryRun=1" : ""}`, { method: "POST", body: JSON.stringify(body()) });
            document.getElementById("plan").innerHTML = dry
              ? r.nodes.map((n) => `<h3>${esc(n.node)}</h3><pre class="diff">${esc((n.diffs || []).map((d) => d.diff || JSON.stringify(d)).join("\n"))}</pre>`).join("")
              : `<p>Job <b>${esc(r.id)}</b> created.</p>`;
            if (!dry) void pages.jobs();
          } catch (err) {
            for (const i of (err.body && err.body.issues) || [{ path: "(other)", message: err.message }]) {
              const slot = f.querySelector(`.err[data-for="${CSS.escape(i.path)}"]`) || f.querySelector('.err[data-for="(other)"]');
              slot.textContent = `${slot.textContent} ${i.message}`.trim();
            }
          }
        };
        document.getElementById("dry").onclick = () => void submit(true);
        document.getElementById("create").onclick = () => void submit(false);
      }
      const still = guard();
      const { jobs } = await api("/api/jobs?limit=20");
      const details = await Promise.all(jobs.slice(0, 5).map((j) => api(`/api/jobs/${encodeURIComponent(j.id)}`)));
      if (!still() || !document.getElementById("joblist")) return;
      document.getElementById("joblist").innerHTML = details
        .map((j) => `<h3>${esc(j.id)} ${esc(j.template)} ${pill(j.status)}</h3>` +
          (j.status === "running" || j.status === "halted" ? `<button data-act="cancel" data-id="${esc(j.id)}">Cancel</button>` : "") +
          (j.status === "halted" ? `<button data-act="resume" data-id="${esc(j.id)}">Resume</button>` : "") +
          table([["node", (n) => esc(n.node)], ["batch", (n) => esc(n.batch)], ["state", (n) => `<span class="jobstate">${pill(n.state)}</span>`], ["reason", (n) => esc(n.reason)]], j.nodes))
        .join("");
      document.querySelectorAll("#joblist button").forEach((b) => (b.onclick = () => void api(`/api/jobs/${b.dataset.id}/${b.dataset.act}`, { method: "POST" }).then(() => pages.jobs())));
    },
  };

  async function route() {
    const h = location.hash.replace(/^#\/?/, "");
    const [page, arg] = h.split("/");
    document.querySelectorAll("header nav a").forEach((a) => a.classList.toggle("active", a.getAttribute("href") === `#/${page || ""}`));
    gen++;
    if (current) current.leave();
    current = null;
    refresh = null;
    const mod = { "": window.meshfleet.pages.fleet, topology: window.meshfleet.pages.topology, node: window.meshfleet.pages.node, events: window.meshfleet.pages.events }[page || ""];
    const fn = mod
      ? () => mod.show(decodeURIComponent(arg || ""))
      : { alerts: () => pages.alerts(), alert: () => pages.alert(arg), jobs: () => pages.jobs() }[page || ""];
    if (!fn) { view.innerHTML = "<h2>Not found</h2>"; return; }
    if (mod) current = mod;
    else refresh = fn;
    if (page !== "jobs") view.innerHTML = '<p class="muted">loading…</p>';
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
