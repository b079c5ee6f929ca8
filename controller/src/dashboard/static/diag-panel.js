// meshfleet dashboard: the diagnostics panel on a node page. Pick a diagnostic from the
// fixed list (/api/diag/commands), fill its arguments, run it: the output appears as the
// node prints it (POST /api/diag/:id read as a server-sent event stream), then its result;
// arguments are checked in the form with the API's own limits and patterns (each problem beside
// its field); a scan's networks appear as tables (per channel, then each network heard);
// below, the node's audit list (who asked what, when, and how it ended).
"use strict";
window.meshfleetDiag = (() => {
  const { token, esc, when, pill, table } = window.meshfleet;
  let mounted = null; // { node, el, abort }

  const field = (a) => {
    const id = `diag-arg-${a.name}`;
    const attrs = a.type === "int" ? `type="number" min="${a.min}" max="${a.max}" step="1"` : `type="text" autocomplete="off" spellcheck="false"`;
    const hint = a.type === "int" ? `${a.min}–${a.max}` : a.type === "target" ? "IP address or node name" : a.type === "prefix" ? "e.g. fd00::/64" : "interface";
    return `<label class="inline">${esc(a.name)} <input id="${id}" name="${esc(a.name)}" ${attrs} value="${esc(a.default ?? "")}" placeholder="${esc(hint)}"></label><span class="field-err" id="diag-err-${esc(a.name)}" role="alert"></span>`;
  };

  /**
   * Why an argument's value is refused, or "" when it is fine: the API's limits and
   * patterns (/api/diag/commands), so the form says so next to the field before asking.
   * Empty means the default (or, for a required argument, that it is missing).
   */
  const problem = (a, v, patterns) => {
    if (v === "") return a.default === undefined ? `${a.name} is required` : "";
    if (a.type === "int") {
      const n = Number(v);
      return Number.isInteger(n) && n >= a.min && n <= a.max ? "" : `a whole number from ${a.min} to ${a.max}`;
    }
    const p = patterns[a.type];
    if (!p) return "";
    if (a.type === "target" && v.length > 64) return p.message;
    if (a.type === "target" && v.includes(":::")) return p.message;
    return p.patterns.some((x) => new RegExp(x.source, x.flags).test(v)) ? "" : p.message;
  };

  /** Checks every argument of `cmd` in the form, shows each problem beside its field; true when all are fine. */
  const validate = (cmd, patterns) => {
    let ok = true;
    for (const a of cmd.args) {
      const input = /** @type {HTMLInputElement} */ (document.getElementById(`diag-arg-${a.name}`));
      const why = problem(a, input.value.trim(), patterns);
      document.getElementById(`diag-err-${a.name}`).textContent = why;
      input.setAttribute("aria-invalid", why ? "true" : "false");
      if (why) ok = false;
    }
    /** @type {HTMLButtonElement} */ (document.getElementById("diag-run")).disabled = !ok;
    return ok;
  };

  /** A scan's networks as tables: per channel (how many, the strongest), then each network. */
  const scanTables = (scan) => {
    const dbm = (v) => (v == null ? "–" : `${v} dBm`);
    const channels = table(
      [["channel", (c) => esc(c.channel ?? "?")], ["MHz", (c) => esc(c.freqMhz)], ["networks", (c) => esc(c.networks)], ["strongest", (c) => esc(dbm(c.strongestDbm))]],
      scan.channels,
    );
    const networks = table(
      [
        ["SSID / mesh id", (b) => (b.meshId ? `${esc(b.meshId)} <span class="muted">mesh</span>` : b.ssid ? esc(b.ssid) : '<span class="muted">hidden</span>')],
        ["BSSID", (b) => esc(b.bssid)],
        ["channel", (b) => esc(b.channel ?? "?")],
        ["width", (b) => (b.widthMhz ? `${esc(b.widthMhz)} MHz` : "–")],
        ["signal", (b) => esc(dbm(b.signalDbm))],
        ["security", (b) => esc(b.security) + (b.ft ? " FT" : "")],
      ],
      scan.bss,
    );
    return `<h4>Networks per channel</h4><div id="diag-scan-channels" class="scroll">${channels}</div><h4>Networks heard${scan.omitted ? ` <span class="muted">(${esc(scan.omitted)} weaker not sent)</span>` : ""}</h4><div id="diag-scan-networks" class="scroll">${networks}</div>`;
  };

  /** Reads `text/event-stream` blocks from a fetch response, calling `on(event, data)` for each. */
  async function readEvents(res, on) {
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let cut;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const ev = /^event: ?(.*)$/m.exec(block);
        const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.replace(/^data: ?/, "")).join("\n");
        if (ev && data) on(ev[1], JSON.parse(data));
      }
    }
  }

  async function audit() {
    if (!mounted) return;
    const node = mounted.node;
    const r = await fetch(`/api/diag/audit?node=${encodeURIComponent(node)}&limit=20`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const { audit: rows } = await r.json();
    if (!mounted || mounted.node !== node) return;
    const what = (a) => esc(Object.entries(a.args || {}).map(([k, v]) => (k === "kind" ? v : `${k}=${v}`)).join(" "));
    document.getElementById("diag-audit").innerHTML = table(
      [["time", (a) => esc(when(a.requestedAt))], ["who", (a) => esc(a.who)], ["what", what], ["result", (a) => pill(a.result)], ["exit", (a) => esc(a.exitCode ?? "")], ["took", (a) => (a.finishedAt ? `${esc(a.finishedAt - a.requestedAt)} ms` : "")]],
      rows,
    );
  }

  async function run(commands, patterns) {
    const node = mounted.node;
    const kind = /** @type {HTMLInputElement} */ (document.getElementById("diag-kind")).value;
    const cmd = commands.find((c) => c.kind === kind);
    if (!validate(cmd, patterns)) return;
    const args = { kind };
    for (const a of cmd.args) {
      const v = /** @type {HTMLInputElement} */ (document.getElementById(`diag-arg-${a.name}`)).value.trim();
      if (v !== "") args[a.name] = a.type === "int" ? Number(v) : v;
    }
    const out = document.getElementById("diag-output");
    const status = document.getElementById("diag-status");
    const button = /** @type {HTMLButtonElement} */ (document.getElementById("diag-run"));
    out.textContent = "";
    out.hidden = false;
    const scanBox = document.getElementById("diag-scan");
    scanBox.innerHTML = "";
    status.innerHTML = pill("running");
    button.disabled = true;
    mounted.abort = new AbortController();
    try {
      const res = await fetch(`/api/diag/${encodeURIComponent(node)}`, {
        method: "POST",
        signal: mounted.abort.signal,
        headers: { "content-type": "application/json", accept: "text/event-stream", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ args }),
      });
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        status.innerHTML = `${pill("refused")} <span class="err">${esc(body.message || res.statusText)}</span>`;
        return;
      }
      await readEvents(res, (event, data) => {
        if (event === "accepted") document.getElementById("diag-argv").textContent = `$ ${data.argv.join(" ")}`;
        else if (event === "output") out.textContent += data.text;
        else if (event === "result") {
          const ok = data.result === "done" && data.exitCode === 0;
          status.innerHTML = `${pill(ok ? "ok" : data.result === "done" ? "failed" : data.result)} ${esc(data.result)}${data.exitCode != null ? `, exit ${esc(data.exitCode)}` : ""} in ${esc(data.finishedAt - data.requestedAt)} ms${data.error ? ` <span class="err">${esc(data.error.message)}</span>` : ""}`;
          status.dataset.result = data.result;
          if (data.scan) scanBox.innerHTML = scanTables(data.scan);
          if (data.server) out.textContent += `\n--- ${data.server.node}: ${(data.server.argv || []).join(" ")} (${data.server.result}) ---\n${data.server.output}`;
        }
      });
    } catch (err) {
      if (err.name !== "AbortError") status.innerHTML = `${pill("failed")} <span class="err">${esc(err.message)}</span>`;
    } finally {
      button.disabled = false;
      void audit().catch(() => {});
    }
  }

  /** Draws the panel into `el` for node `node`. */
  async function mount(el, node) {
    unmount();
    mounted = { node, el, abort: null };
    const r = await fetch("/api/diag/commands", { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (!r.ok) { el.innerHTML = ""; return; }
    const { commands, patterns } = await r.json();
    if (!mounted || mounted.node !== node) return;
    el.innerHTML = `<h3>Diagnostics</h3><div class="diag"><p><select id="diag-kind">${commands.map((c) => `<option value="${esc(c.kind)}">${esc(c.title)}</option>`).join("")}</select> <span id="diag-args"></span> <button id="diag-run" class="small">Run on ${esc(node)}</button> <span id="diag-status"></span></p>` +
      `<p id="diag-argv" class="muted"></p><pre id="diag-output" class="diag-out" hidden></pre><div id="diag-scan"></div><h3>Diagnostics audit</h3><div id="diag-audit" class="scroll"></div></div>`;
    const kindSel = /** @type {HTMLSelectElement} */ (document.getElementById("diag-kind"));
    const showArgs = () => {
      const c = commands.find((x) => x.kind === kindSel.value);
      document.getElementById("diag-args").innerHTML = c.args.map(field).join(" ");
      /** @type {HTMLButtonElement} */ (document.getElementById("diag-run")).disabled = false;
    };
    kindSel.addEventListener("change", showArgs);
    showArgs();
    // Checked as the operator types (the same limits and patterns as the API's), and before running.
    document.getElementById("diag-args").addEventListener("input", () => validate(commands.find((x) => x.kind === kindSel.value), patterns));
    document.getElementById("diag-run").addEventListener("click", () => void run(commands, patterns));
    await audit();
  }

  function unmount() {
    if (mounted && mounted.abort) mounted.abort.abort();
    mounted = null;
  }

  return { mount, unmount, readEvents };
})();
