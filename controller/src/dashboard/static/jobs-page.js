// meshfleet dashboard: configuration jobs. The form shows the fields of the chosen
// template only; a dry run lists the per-node diffs with identical ones collapsed ("7
// nodes: same change"); the job list shows each rollout's progress (nodes verified of
// all, the batch in progress, the canary batch labelled, when the next batch starts).
"use strict";
(() => {
  const { api, esc, pill, table, throttle } = window.meshfleet;
  const ENC = ["psk2", "psk2+ccmp", "psk-mixed", "sae", "sae-mixed"];
  const HT = ["HT20", "HT40", "VHT20", "VHT40", "VHT80", "VHT160", "HE20", "HE40", "HE80", "HE160"];
  /** Per template: [name, label, kind, default, options]. kind: text, password, number, select, check, json, list. */
  const FIELDS = {
    roaming: [["ssid", "SSID", "text", "meshfleet"], ["key", "Key", "password", ""], ["encryption", "Encryption", "select", "psk2", ENC], ["mobility_domain", "Mobility domain (4 hex digits)", "text", "4f2a"], ["ft_over_ds", "FT over DS", "check", false], ["ieee80211k", "802.11k neighbour reports", "check", false]],
    ssid: [["ssid", "SSID", "text", "meshfleet"], ["encryption", "Encryption", "select", "psk2", [...ENC, "none"]], ["key", "Key", "password", ""], ["match_ssid", "Only APs now broadcasting SSID (optional)", "text", ""]],
    mesh: [["mesh_id", "Mesh ID", "text", "meshfleet-mesh"], ["key", "SAE key", "password", ""], ["channel", "Channel", "number", 36], ["htmode", "HT mode (optional)", "select", "", ["", ...HT]], ["force", "Allow a DFS channel", "check", false]],
    "routing-firewall": [["protocol", "Protocol", "select", "babel", ["babel", "ripng"]], ["zone", "Firewall zone", "text", "wan"]],
    raw: [["ops", "UCI operations (JSON array)", "json", '[{"op":"set","config":"system","section":"@system[0]","option":"zonename","value":"UTC"}]'], ["reloads", "Reloads (comma separated)", "list", ""]],
  };
  let state = null;
  /** @type {(id: string) => any} the page's own elements by id (inputs, forms, buttons) */
  const $ = (id) => document.getElementById(id);

  function fieldHtml([name, label, kind, def, opts]) {
    const err = `<span class="err" data-for="params.${esc(name)}"></span>`;
    if (kind === "check") return `<label class="check"><input type="checkbox" name="${esc(name)}"${def ? " checked" : ""}> ${esc(label)}</label>${err}`;
    if (kind === "select") return `<label>${esc(label)}</label><select name="${esc(name)}">${opts.map((o) => `<option value="${esc(o)}"${o === def ? " selected" : ""}>${esc(o || "–")}</option>`).join("")}</select>${err}`;
    if (kind === "json") return `<label>${esc(label)}</label><textarea name="${esc(name)}" rows="4">${esc(def)}</textarea>${err}`;
    return `<label>${esc(label)}</label><input name="${esc(name)}" type="${kind === "password" ? "password" : kind === "number" ? "number" : "text"}" value="${esc(def)}">${err}`;
  }

  function params(f, template) {
    const out = {};
    for (const [name, , kind] of FIELDS[template]) {
      const el = f.elements[name];
      if (kind === "check") { if (el.checked) out[name] = true; continue; }
      const v = el.value.trim();
      if (v === "") continue;
      if (kind === "number") out[name] = Number(v);
      else if (kind === "json") { try { out[name] = JSON.parse(v); } catch { out[name] = v; } }
      else if (kind === "list") out[name] = v.split(",").map((x) => x.trim()).filter(Boolean);
      else out[name] = el.value;
    }
    return out;
  }

  /** Dry-run plan: nodes with the same diff in one block. */
  function plan(nodes) {
    const groups = new Map();
    for (const n of nodes) {
      const text = n.skip ? `skipped: ${n.skip}` : (n.diffs || []).map((d) => d.diff || JSON.stringify(d)).join("\n") || "no change";
      if (!groups.has(text)) groups.set(text, []);
      groups.get(text).push(n.node);
    }
    return [...groups.entries()].map(([text, ns]) =>
      `<h3>${ns.length > 1 ? `${ns.length} nodes: same change` : esc(ns[0])} ${ns.length > 1 ? `<span class="muted">(${ns.map(esc).join(", ")})</span>` : ""}</h3><pre class="diff">${esc(text)}</pre>`).join("");
  }

  function progress(j) {
    const total = j.nodes.filter((n) => n.batch >= 0).length;
    const done = (j.counts && j.counts.verified) || 0;
    const failed = ((j.counts && j.counts.failed) || 0) + ((j.counts && j.counts.rolled_back) || 0);
    const r = j.rollout || {};
    const canary = r.policy && r.policy.canary > 0;
    const batchName = (b) => (b < 0 ? "skipped" : canary && b === 0 ? "canary" : `batch ${canary ? b : b + 1}`);
    const next = r.nextBatchAt && r.nextBatchAt > Date.now() ? ` · next batch at ${new Date(r.nextBatchAt).toLocaleTimeString()}` : "";
    const now = r.batch >= 0 && r.batchCount ? ` · ${batchName(r.batch)} of ${r.batchCount - (canary ? 1 : 0)} batches${canary ? " + canary" : ""}` : "";
    return `<p class="progress"><span class="bar wide"><i style="width:${total ? Math.round((done / total) * 100) : 0}%"></i></span> ${done}/${total} verified${failed ? `, ${failed} failed` : ""}${now}${next}</p>` +
      table([["node", (n) => `<a href="#/node/${esc(n.node)}">${esc(n.node)}</a>`], ["batch", (n) => (n.batch === 0 && canary ? '<span class="pill canary">canary</span>' : esc(batchName(n.batch)))], ["state", (n) => `<span class="jobstate">${pill(n.state)}</span>`], ["reason", (n) => esc(n.reason || "")]], j.nodes);
  }

  async function list() {
    const s = state;
    const { jobs } = await api("/api/jobs?limit=20");
    const details = await Promise.all(jobs.slice(0, 5).map((j) => api(`/api/jobs/${encodeURIComponent(j.id)}`)));
    if (s !== state || !$("joblist")) return;
    $("joblist").innerHTML = details.map((j) => `<div class="job"><h3>${esc(j.id)} ${esc(j.template)} ${pill(j.status)}</h3>` +
      (j.status === "running" || j.status === "halted" ? `<button class="small" data-act="cancel" data-id="${esc(j.id)}">Cancel</button>` : "") +
      (j.status === "halted" ? `<button class="small" data-act="resume" data-id="${esc(j.id)}">Resume</button>` : "") +
      progress(j) + `</div>`).join("") || '<p class="muted">no jobs yet</p>';
    $("joblist").querySelectorAll("button[data-act]").forEach((/** @type {HTMLElement} */ b) => (b.onclick = () => void api(`/api/jobs/${encodeURIComponent(b.dataset.id)}/${b.dataset.act}`, { method: "POST" }).then(list)));
  }

  function fields() {
    const t = $("jobform").elements.template.value;
    $("fields").innerHTML = FIELDS[t].map(fieldHtml).join("");
    $("jobform").dataset.template = t;
  }

  async function show() {
    leave();
    state = { refresh: null };
    state.refresh = throttle(() => (state ? list() : undefined), 3000);
    $("view").innerHTML = `<h2>Jobs</h2><div class="row"><form id="jobform" onsubmit="return false">
      <label>Template</label><select name="template">${Object.keys(FIELDS).map((t) => `<option>${t}</option>`).join("")}</select>
      <label>Target</label><input name="target" value="all"><span class="err" data-for="target"></span>
      <div id="fields"></div>
      <label>Rollout: canary nodes, batch size, pause between batches (s)</label>
      <span class="inline3"><input name="canary" type="number" min="0" value="1"><input name="batchSize" type="number" min="1" value="10"><input name="pause" type="number" min="0" value="0"></span>
      <div class="err" data-for="(other)"></div>
      <button id="dry">Dry run</button><button id="create">Create job</button></form><div id="plan"></div></div><h3>Recent jobs</h3><div id="joblist"></div>`;
    const f = $("jobform");
    f.elements.template.addEventListener("change", () => { fields(); $("plan").innerHTML = ""; });
    fields();
    const body = () => {
      const t = f.elements.template.value;
      const n = (k, d) => (f.elements[k].value === "" ? d : Number(f.elements[k].value));
      return { template: t, target: f.elements.target.value, params: params(f, t), rollout: { canary: n("canary", 1), batchSize: n("batchSize", 10), pauseMs: n("pause", 0) * 1000 } };
    };
    /** Each issue beside its field ("params.key"), the rest under the form. */
    const showIssues = (issues) => {
      for (const i of issues) {
        const slot = f.querySelector(`.err[data-for="${CSS.escape(i.path)}"]`) || f.querySelector('.err[data-for="(other)"]');
        slot.textContent = `${slot.textContent} ${i.message}`.trim();
      }
    };
    // The job is checked first (/api/jobs/check answers 200 with its issues), so a form
    // error is shown beside its field and never reaches the browser as a failed request.
    const submit = async (dry) => {
      f.querySelectorAll(".err").forEach((/** @type {HTMLElement} */ e) => (e.textContent = ""));
      const payload = JSON.stringify(body());
      try {
        const check = await api("/api/jobs/check", { method: "POST", body: payload });
        if (!check.valid) { showIssues(check.issues); $("plan").innerHTML = ""; return; }
        const r = await api(`/api/jobs${dry ? "?dryRun=1" : ""}`, { method: "POST", body: payload });
        $("plan").innerHTML = dry ? plan(r.nodes) : `<p>Job <b>${esc(r.id)}</b> created.</p>`;
        if (!dry) void list();
      } catch (err) {
        showIssues((err.body && err.body.issues) || [{ path: "(other)", message: err.message }]);
      }
    };
    $("dry").onclick = () => void submit(true);
    $("create").onclick = () => void submit(false);
    await list();
  }
  function live() { if (state) state.refresh(); }
  function leave() { if (state) state.refresh.cancel(); state = null; }

  window.meshfleet.pages.jobs = { show, live, leave, FIELDS };
})();
