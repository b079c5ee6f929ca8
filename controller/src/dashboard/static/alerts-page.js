// meshfleet dashboard: the alert list, grouped by root cause. Alerts whose detector named
// the same cause (a mesh link, a node, a routing incident) sit under one heading with their
// counts; the symptoms the detector folded into an alert are listed under it, folded.
// Each alert can be acknowledged (who, when) and silenced (subject, code on a node, or the
// whole node, for a duration, with a reason); active silences are listed with an End
// button. Who acts: with an API token, the controller records the token's name; without
// tokens (local use), the name typed in "acting as" (kept in this browser).
"use strict";
(() => {
  const { api, esc, pill, throttle, token } = window.meshfleet;
  const names = window.meshfleetNames;
  const SEV_RANK = { critical: 0, warning: 1, info: 2 };
  const DURATIONS = [["1 h", 3_600_000], ["4 h", 4 * 3_600_000], ["24 h", 24 * 3_600_000], ["7 d", 7 * 24 * 3_600_000]];
  let state = null; // { refresh, busy }
  /** @type {(id: string) => any} the page's own elements by id (inputs, forms, buttons) */
  const $ = (id) => document.getElementById(id);
  const time = (ms) => (ms ? new Date(ms).toLocaleTimeString() : "");
  const stamp = (ms) => { const d = new Date(ms); return `${d.toLocaleDateString([], { month: "short", day: "numeric" })} ${d.toLocaleTimeString()}`; };
  const folded = (a) => (a.evidence && a.evidence.detail && Array.isArray(a.evidence.detail.folded) ? a.evidence.detail.folded : []);
  const actor = () => localStorage.getItem("meshfleet.actor") || "dashboard";

  /** The root cause an alert belongs to: [key, words]. */
  function causeOf(a) {
    const d = (a.evidence && a.evidence.detail) || {};
    if (typeof d.link === "string" && d.link) return [d.link, names.subject(d.link)];
    if (a.subject.startsWith("link:")) return [a.subject, names.subject(a.subject)];
    if (a.code === "slow_convergence" && d.incident != null) return [`incident:${d.incident}`, `routing incident #${d.incident}`];
    if (a.subject.startsWith("node:")) return [a.subject, `node ${a.subject.slice(5)}`];
    return [`${a.code}:${a.subject}`, names.subject(a.subject)];
  }

  /** Alerts grouped by cause; groups with open alerts first, then by worst severity, then newest. */
  function group(alerts) {
    const groups = new Map();
    for (const a of alerts) {
      const [key, label] = causeOf(a);
      if (!groups.has(key)) groups.set(key, { key, label, alerts: [] });
      groups.get(key).alerts.push(a);
    }
    const worst = (g) => Math.min(...g.alerts.filter((a) => a.state === "open").map((a) => SEV_RANK[a.severity] ?? 3), 9);
    const newest = (g) => Math.max(...g.alerts.map((a) => a.openedAt));
    return [...groups.values()].sort((x, y) => worst(x) - worst(y) || newest(y) - newest(x) || x.key.localeCompare(y.key));
  }

  /** Does an active silence cover this alert now? (the controller's rule: code, subject, node or one of the alert's nodes) */
  function silenceOf(a, silences, now) {
    return silences.find((s) => {
      if (now < s.fromTs || now >= s.untilTs) return false;
      if (s.code !== null && s.code !== a.code) return false;
      if (s.subject !== null && s.subject !== a.subject) return false;
      const nodes = (a.evidence.detail && Array.isArray(a.evidence.detail.nodes) && a.evidence.detail.nodes) || [];
      return s.node === null || a.node === s.node || nodes.includes(s.node);
    }) || null;
  }
  const scopeText = (s) => [s.kind !== "silence" && s.kind, s.code && s.code.replaceAll("_", " "), s.subject && names.subject(s.subject), s.node && `on ${s.node}`].filter(Boolean).join(" · ");

  function alertRow(a, silences, now) {
    const s = silenceOf(a, silences, now);
    const f = folded(a);
    const ack = a.ack ? `<span class="ack">acknowledged by ${esc(a.ack.by)} at ${esc(time(a.ack.at))}</span>` : `<button class="small" data-act="ack" data-id="${esc(a.id)}">Acknowledge</button>`;
    const sil = s ? `<span class="silenced">silenced until ${esc(stamp(s.untilTs))} by ${esc(s.createdBy)}: ${esc(s.reason)}</span>`
      : a.silencedBy ? `<span class="silenced">opened during silence #${esc(a.silencedBy)}</span> ` : "";
    return `<li class="alert st-${esc(a.state)}" data-id="${esc(a.id)}" data-subject="${esc(a.subject)}">` +
      `<div class="arow">${pill(a.state)} ${pill(a.severity)} <a href="#/alert/${esc(a.id)}">${names.html(names.text(a.summary))}</a></div>` +
      `<div class="ameta muted">${esc(a.code.replaceAll("_", " "))} · opened ${esc(stamp(a.openedAt))}${a.resolvedAt ? ` · resolved ${esc(time(a.resolvedAt))}` : ""}</div>` +
      `<div class="aact">${ack} ${sil}${s ? "" : `<button class="small" data-act="silence" data-id="${esc(a.id)}">Silence…</button>`}<span class="err" data-for="${esc(a.id)}"></span></div>` +
      (f.length ? `<details class="folded"><summary>${f.length} folded symptom${f.length > 1 ? "s" : ""}</summary><ul>${f.map((x) => `<li><span class="muted">${esc(time(x.ts))}</span> ${esc(String(x.code).replaceAll("_", " "))}: ${names.html(names.subject(x.subject))}</li>`).join("")}</ul></details>` : "") +
      `<div class="silenceform" hidden></div></li>`;
  }

  function groupHtml(g, silences, now) {
    const open = g.alerts.filter((a) => a.state === "open");
    const symptoms = g.alerts.reduce((n, a) => n + folded(a).length, 0);
    const worst = open.map((a) => a.severity).sort((x, y) => SEV_RANK[x] - SEV_RANK[y])[0];
    const counts = `${g.alerts.length} alert${g.alerts.length > 1 ? "s" : ""} (${open.length} open)${symptoms ? `, ${symptoms} folded symptom${symptoms > 1 ? "s" : ""}` : ""}`;
    return `<section class="agroup ${worst || "quiet"}" data-cause="${esc(g.key)}"><h3>${worst ? pill(worst) : pill("resolved")} ${names.html(g.label)} <span class="counts muted">${esc(counts)}</span></h3>` +
      `<ul class="alerts">${g.alerts.map((a) => alertRow(a, silences, now)).join("")}</ul></section>`;
  }

  function silenceForm(a) {
    const scopes = [["subject", `this subject (${names.subject(a.subject)})`]];
    if (a.node) scopes.push(["code-node", `${a.code.replaceAll("_", " ")} alerts on ${a.node}`], ["node", `everything on ${a.node}`]);
    return `<form onsubmit="return false"><select name="scope">${scopes.map(([v, t]) => `<option value="${v}">${esc(t)}</option>`).join("")}</select> ` +
      `for <select name="duration">${DURATIONS.map(([t, ms]) => `<option value="${ms}">${t}</option>`).join("")}</select> ` +
      `<input name="reason" placeholder="reason (required)" maxlength="500"> <button class="small" data-act="silence-go">Silence</button><button class="small" data-act="silence-cancel">Cancel</button></form>`;
  }

  async function load() {
    const s = state;
    const [{ alerts }, { silences }] = await Promise.all([api("/api/alerts?limit=200"), api("/api/alerts/silences"), names.load()]);
    if (s !== state || !$("alertgroups") || s.busy) return;
    const now = Date.now();
    const open = alerts.filter((a) => a.state === "open");
    const bySev = ["critical", "warning", "info"].map((v) => [v, open.filter((a) => a.severity === v).length]).filter(([, n]) => n);
    const groups = group(alerts);
    $("alertsum").innerHTML = `${open.length} open${bySev.length ? `: ${bySev.map(([v, n]) => `${pill(v)} ${n}`).join(" ")}` : ""} · ${open.filter((a) => !a.ack).length} not acknowledged · ${groups.length} cause${groups.length === 1 ? "" : "s"}`;
    $("alertgroups").innerHTML = groups.length ? groups.map((g) => groupHtml(g, silences, now)).join("") : '<p class="muted">no alerts</p>';
    $("silences").innerHTML = silences.length
      ? `<h3>Silences <span class="err" data-for="silences"></span></h3><div class="scroll"><table id="silencelist"><thead><tr><th>scope</th><th>from</th><th>until</th><th>by</th><th>reason</th><th></th></tr></thead><tbody>${silences.map((x) =>
        `<tr data-id="${esc(x.id)}"><td>${names.html(scopeText(x))}</td><td>${esc(stamp(x.fromTs))}</td><td>${esc(stamp(x.untilTs))}</td><td>${esc(x.createdBy)}</td><td>${esc(x.reason)}</td><td><button class="small" data-act="unsilence" data-id="${esc(x.id)}">End now</button></td></tr>`).join("")}</tbody></table></div>`
      : "";
    const byId = new Map(alerts.map((a) => [String(a.id), a]));
    $("view").querySelectorAll("button[data-act]").forEach((/** @type {HTMLElement} */ b) => (b.onclick = () => void act(b, b.dataset.act === "unsilence" ? null : byId.get(b.dataset.id))));
  }

  /** Shows an API refusal next to the alert (403 for a viewer token, 400 for a missing reason). */
  function fail(id, err) {
    const slot = $("view").querySelector(`.err[data-for="${CSS.escape(String(id))}"]`);
    if (slot) slot.textContent = err.message;
  }

  async function act(b, a) {
    const by = actor();
    const li = b.closest("li.alert");
    try {
      if (b.dataset.act === "ack") {
        await api(`/api/alerts/${encodeURIComponent(a.id)}/ack`, { method: "POST", body: JSON.stringify({ by }) });
      } else if (b.dataset.act === "silence") {
        const box = li.querySelector(".silenceform");
        box.innerHTML = silenceForm(a);
        box.hidden = false;
        state.busy = true; // no live redraw while the form is open
        box.querySelectorAll("button[data-act]").forEach((/** @type {HTMLElement} */ x) => (x.onclick = () => void act(x, a)));
        box.querySelector("input").focus();
        return;
      } else if (b.dataset.act === "silence-cancel") {
        state.busy = false;
      } else if (b.dataset.act === "silence-go") {
        const f = b.form;
        const reason = f.elements.reason.value.trim();
        if (!reason) { fail(a.id, new Error("say why (the reason is kept with the silence)")); return; }
        const scope = f.elements.scope.value;
        const what = scope === "subject" ? { code: a.code, subject: a.subject } : scope === "code-node" ? { code: a.code, node: a.node } : { node: a.node };
        await api("/api/alerts/silences", { method: "POST", body: JSON.stringify({ ...what, durationMs: Number(f.elements.duration.value), reason, by }) });
        state.busy = false;
      } else if (b.dataset.act === "unsilence") {
        await api(`/api/alerts/silences/${encodeURIComponent(b.dataset.id)}`, { method: "DELETE" });
      }
      await load();
    } catch (err) {
      fail(a ? a.id : "silences", err);
    }
  }

  async function show() {
    leave();
    state = { refresh: null, busy: false };
    state.refresh = throttle(() => (state ? load() : undefined), 3000);
    const who = token ? '<span class="muted">acting as this link\'s API token</span>' : `<label class="inline">acting as <input id="actor" size="14" maxlength="128" value="${esc(actor())}"></label>`;
    $("view").innerHTML = `<h2>Alerts</h2><p class="controls"><span id="alertsum"></span> ${who}</p>` +
      `<div id="alertgroups"></div><div id="silences"></div>`;
    if (!token) $("actor").addEventListener("input", (e) => localStorage.setItem("meshfleet.actor", /** @type {HTMLInputElement} */ (e.target).value.trim() || "dashboard"));
    await load();
  }
  function live() { if (state && !state.busy) state.refresh(); }
  function leave() { if (state) state.refresh.cancel(); state = null; }

  window.meshfleet.pages.alerts = { show, live, leave, group, causeOf };
})();
