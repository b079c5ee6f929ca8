// meshfleet dashboard: hash-routed pages over the controller's JSON API, live updates
// from /api/live (server-sent events). Plain DOM, no build step.
"use strict";
(() => {
  const qs = new URLSearchParams(location.search);
  if (qs.get("token")) {
    localStorage.setItem("meshfleet.token", qs.get("token"));
    history.replaceState(null, "", location.pathname + location.hash);
  }
  const token = localStorage.getItem("meshfleet.token");
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const view = document.getElementById("view");
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

  let refresh = null; // the current page's refresh, called on live updates
  let cy = null;

  const pages = {
    async fleet() {
      const { nodes } = await api("/api/nodes");
      view.innerHTML = `<h2>Fleet <span class="muted">${nodes.length} nodes</span></h2>` +
        table(
          [
            ["node", (n) => `<a href="#/node/${esc(n.id)}">${esc(n.id)}</a>`],
            ["status", (n) => pill(n.status)],
            ["model", (n) => esc(n.model)],
            ["release", (n) => esc(n.release)],
            ["last seen", (n) => when(n.lastSeen)],
            ["stations", (n) => esc(n.stations)],
            ["mesh peers", (n) => esc(n.peers)],
            ["neighbours", (n) => esc(n.neighbors)],
            ["routes", (n) => esc(n.routes)],
            ["open alerts", (n) => (n.openAlerts ? pill("open") + " " + esc(n.openAlerts) : "0")],
          ],
          nodes,
        );
      view.querySelector("table").id = "nodes";
    },
    async topology(at) {
      const q = at ? `?at=${at}` : "";
      const g = await api(`/api/topology${q}`);
      if (!document.getElementById("cy")) {
        view.innerHTML = `<h2>Topology</h2><p>Time: <input id="slider" type="range" min="-60" max="0" value="0"> <span id="when">now</span></p><div id="cy"></div>`;
        document.getElementById("slider").addEventListener("change", (e) => {
          const m = Number(e.target.value);
          document.getElementById("when").textContent = m === 0 ? "now" : `${-m} min ago`;
          void pages.topology(m === 0 ? 0 : Date.now() + m * 60_000);
        });
      }
      // Mesh links by their airtime link metric (lower is better); routing adjacencies grey.
      const colour = (l) => {
        if (!l.properties || l.properties.type !== "mesh" || !(l.cost > 0)) return "#8795a8";
        return l.cost <= 400 ? "#2e9d57" : l.cost <= 1000 ? "#e39b1f" : "#d2453b";
      };
      const elements = [
        ...g.nodes.map((n) => ({ data: { id: n.id, label: n.label || n.id } })),
        ...g.links.map((l, i) => ({ data: { id: `l${i}`, source: l.source, target: l.target, colour: colour(l), kind: (l.properties && l.properties.type) || "mesh", label: l.cost ? String(Math.round(l.cost)) : "" } })),
      ];
      if (cy) cy.destroy();
      cy = window.cytoscape({
        container: document.getElementById("cy"),
        elements,
        layout: { name: "cose", animate: false },
        style: [
          { selector: "node", style: { label: "data(label)", "background-color": "#0b65c2", color: "#1d2733", "font-size": 11 } },
          { selector: "edge", style: { width: 3, "line-color": "data(colour)", "curve-style": "bezier", label: "data(label)", "font-size": 9, color: "#556" } },
          { selector: 'edge[kind != "mesh"]', style: { "line-style": "dashed", width: 1 } },
        ],
      });
      window.meshfleetGraph = cy;
    },
    async node(id) {
      const [node, stations, paths, neighbors, routes, events] = await Promise.all([
        api(`/api/nodes/${encodeURIComponent(id)}`),
        api(`/api/nodes/${encodeURIComponent(id)}/stations`),
        api(`/api/nodes/${encodeURIComponent(id)}/mesh-paths`),
        api(`/api/nodes/${encodeURIComponent(id)}/neighbors`),
        api(`/api/nodes/${encodeURIComponent(id)}/routes`),
        api(`/api/events?node=${encodeURIComponent(id)}&limit=30`),
      ]);
      const list = (o) => Object.values(o).find(Array.isArray) || [];
      const cell = (k) => (r) => esc(typeof r[k] === "object" && r[k] !== null ? JSON.stringify(r[k]) : r[k]);
      view.innerHTML = `<h2>${esc(id)} <span class="muted">${esc(node.model || "")} ${esc(node.release || "")}</span></h2>` +
        `<h3>Stations</h3>` + table([["mac", cell("mac")], ["iface", cell("iface")], ["signal dBm", cell("signalDbm")], ["expected Mbit/s", cell("expectedThroughputMbps")], ["node", cell("node")]], list(stations)) +
        `<h3>Mesh paths</h3>` + table([["destination", cell("dest")], ["next hop", cell("nextHop")], ["metric", cell("metric")], ["via", cell("nextHopNode")]], list(paths)) +
        `<h3>Neighbours</h3>` + table([["address", cell("address")], ["iface", cell("iface")], ["metric", cell("metric")], ["node", cell("node")]], list(neighbors)) +
        `<h3>Routes</h3>` + table([["prefix", cell("prefix")], ["protocol", cell("protocol")], ["metric", cell("metric")], ["next hops", cell("nextHops")]], list(routes)) +
        `<h3>Events</h3>` + table([["time", (e) => when(e.ts)], ["code", cell("code")], ["subject", cell("subject")]], events.events);
    },
    async alerts() {
      const { alerts } = await api("/api/alerts?limit=200");
      view.innerHTML = `<h2>Alerts</h2>` +
        table(
          [
            ["state", (a) => pill(a.state)],
            ["severity", (a) => pill(a.severity)],
            ["code", (a) => esc(a.code)],
            ["summary", (a) => `<a href="#/alert/${esc(a.id)}">${esc(a.summary)}</a>`],
            ["opened", (a) => when(a.openedAt)],
            ["resolved", (a) => when(a.resolvedAt)],
          ],
          alerts,
        );
      view.querySelector("table").id = "alerts";
    },
    async alert(id) {
      const { alert, events } = await api(`/api/alerts/${encodeURIComponent(id)}`);
      const scores = alert.evidence.scores || [];
      const max = Math.max(1, ...scores.map((s) => s.score));
      const t0 = scores.length ? scores[0].ts : 0;
      const t1 = scores.length ? scores[scores.length - 1].ts : 1;
      const pts = scores.map((s) => `${(((s.ts - t0) / Math.max(1, t1 - t0)) * 580 + 10).toFixed(1)},${(190 - (s.score / max) * 180).toFixed(1)}`).join(" ");
      view.innerHTML = `<h2>${pill(alert.state)} ${esc(alert.summary)}</h2><h3>Churn score</h3>` +
        `<svg width="600" height="200" style="background:#fff;border:1px solid #e3e8ef"><polyline fill="none" stroke="#0b65c2" stroke-width="2" points="${pts}"/></svg>` +
        `<h3>Evidence</h3>` + table([["time", (e) => when(e.ts)], ["node", (e) => esc(e.node)], ["code", (e) => esc(e.code)], ["before → after", (e) => esc(JSON.stringify(e.before)) + " → " + esc(JSON.stringify(e.after))]], events);
    },
    async events() {
      const node = sessionStorage.getItem("ev.node") || "";
      const code = sessionStorage.getItem("ev.code") || "";
      const q = new URLSearchParams({ limit: "200", ...(node ? { node } : {}), ...(code ? { code } : {}) });
      const { events } = await api(`/api/events?${q}`);
      view.innerHTML = `<h2>Events</h2><p>node <input id="fnode" value="${esc(node)}" style="width:120px"> code <input id="fcode" value="${esc(code)}" style="width:200px"> <button id="fgo">Filter</button></p>` +
        table([["time", (e) => when(e.ts)], ["node", (e) => esc(e.node)], ["code", (e) => esc(e.code)], ["subject", (e) => esc(e.subject)]], events);
      document.getElementById("fgo").onclick = () => {
        sessionStorage.setItem("ev.node", document.getElementById("fnode").value.trim());
        sessionStorage.setItem("ev.code", document.getElementById("fcode").value.trim());
        void pages.events();
      };
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
      const { jobs } = await api("/api/jobs?limit=20");
      const details = await Promise.all(jobs.slice(0, 5).map((j) => api(`/api/jobs/${encodeURIComponent(j.id)}`)));
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
    if (page !== "topology" && cy) { cy.destroy(); cy = null; }
    const fn = { "": () => pages.fleet(), topology: () => pages.topology(0), node: () => pages.node(decodeURIComponent(arg || "")), alerts: () => pages.alerts(), alert: () => pages.alert(arg), events: () => pages.events(), jobs: () => pages.jobs() }[page || ""];
    refresh = fn || null;
    if (!fn) { view.innerHTML = "<h2>Not found</h2>"; return; }
    if (page !== "jobs" && page !== "topology") view.innerHTML = '<p class="muted">loading…</p>';
    try { await fn(); } catch (err) { view.innerHTML = `<h2>Error</h2><p>${esc(err.message)}</p>${err.status === 401 ? "<p>Open the dashboard link with its <code>?token=</code>.</p>" : ""}`; }
  }
  window.addEventListener("hashchange", () => void route());
  void route();

  let busy = false;
  const live = new EventSource(`/api/live${token ? `?token=${encodeURIComponent(token)}` : ""}`);
  const liveEl = document.getElementById("live");
  live.addEventListener("hello", () => (liveEl.textContent = "live"));
  live.addEventListener("nodes", () => {
    liveEl.textContent = `live · ${new Date().toLocaleTimeString()}`;
    const page = location.hash.replace(/^#\/?/, "").split("/")[0];
    if (busy || !refresh || page === "topology" || page === "events" || page === "alert") return;
    busy = true;
    Promise.resolve(refresh()).catch(() => {}).finally(() => (busy = false));
  });
  live.onerror = () => (liveEl.textContent = "reconnecting…");
})();
