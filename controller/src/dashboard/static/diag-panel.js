// meshfleet dashboard: the diagnostics panel on a node page. Pick a diagnostic from the
// fixed list (/api/diag/commands), fill its arguments, run it: the output appears as the
// node prints it (POST /api/diag/:id read as a server-sent event stream), then its result;
// below, the node's audit list (who asked what, when, and how it ended).
"use strict";
window.meshfleetDiag = (() => {
  const { token, esc, when, pill, table } = window.meshfleet;
  let mounted = null; // { node, el, abort }

  const field = (a) => {
    const id = `diag-arg-${a.name}`;
    const attrs = a.type === "int" ? `type="number" min="${a.min}" max="${a.max}" step="1"` : `type="text" autocomplete="off" spellcheck="false"`;
    const hint = a.type === "int" ? `${a.min}–${a.max}` : a.type === "target" ? "IP address or node name" : a.type === "prefix" ? "e.g. fd00::/64" : "interface";
    return `<label class="inline">${esc(a.name)} <input id="${id}" name="${esc(a.name)}" ${attrs} value="${esc(a.default ?? "")}" placeholder="${esc(hint)}"></label>`;
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

  async function run(commands) {
    const node = mounted.node;
    const kind = document.getElementById("diag-kind").value;
    const cmd = commands.find((c) => c.kind === kind);
    const args = { kind };
    for (const a of cmd.args) {
      const v = document.getElementById(`diag-arg-${a.name}`).value.trim();
      if (v !== "") args[a.name] = a.type === "int" ? Number(v) : v;
    }
    const out = document.getElementById("diag-output");
    const status = document.getElementById("diag-status");
    const button = document.getElementById("diag-run");
    out.textContent = "";
    out.hidden = false;
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
    const { commands } = await r.json();
    if (!mounted || mounted.node !== node) return;
    el.innerHTML = `<h3>Diagnostics</h3><div class="diag"><p><select id="diag-kind">${commands.map((c) => `<option value="${esc(c.kind)}">${esc(c.title)}</option>`).join("")}</select> <span id="diag-args"></span> <button id="diag-run" class="small">Run on ${esc(node)}</button> <span id="diag-status"></span></p>` +
      `<p id="diag-argv" class="muted"></p><pre id="diag-output" class="diag-out" hidden></pre><h3>Diagnostics audit</h3><div id="diag-audit" class="scroll"></div></div>`;
    const kindSel = document.getElementById("diag-kind");
    const showArgs = () => {
      const c = commands.find((x) => x.kind === kindSel.value);
      document.getElementById("diag-args").innerHTML = c.args.map(field).join(" ");
    };
    kindSel.addEventListener("change", showArgs);
    showArgs();
    document.getElementById("diag-run").addEventListener("click", () => void run(commands));
    await audit();
  }

  function unmount() {
    if (mounted && mounted.abort) mounted.abort.abort();
    mounted = null;
  }

  return { mount, unmount, readEvents };
})();
