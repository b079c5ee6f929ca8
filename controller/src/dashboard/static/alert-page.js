// meshfleet dashboard: one alert. What, how bad, since when; the churn score over time
// with its axes and the thresholds where the alert opens and resolves; the evidence as
// sentences ("12:01:03 node-4: route ::/0 on node-4 next hop changed, via node-2 → via
// node-5"); symptoms folded into it (one problem, one alert) as a small table.
"use strict";
window.meshfleetAlert = (() => {
  const { esc, pill, table } = window.meshfleet;
  const names = window.meshfleetNames;
  const H = 220, L = 56, R = 12, T = 12, B = 34;
  let W = 640; // narrower on a phone, so the axis labels keep their size
  const time = (ms) => new Date(ms).toLocaleTimeString();
  const dur = (ms) => (ms < 90_000 ? `${Math.round(ms / 1000)} s` : ms < 5_400_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);

  /** The churn plot: score (changes weighted, decaying with the half-life) over clock time. */
  function churnSvg(scores, th) {
    if (!scores.length) return '<p class="muted">no score history</p>';
    W = Math.max(340, Math.min(640, (document.getElementById("view") || {}).clientWidth - 24 || 640));
    const t0 = scores[0].ts, t1 = Math.max(t0 + 1000, scores[scores.length - 1].ts);
    const top = Math.max(...scores.map((s) => s.score), th ? th.openAbove * 1.15 : 1);
    const x = (t) => L + ((t - t0) / (t1 - t0)) * (W - L - R);
    const y = (v) => T + (1 - v / top) * (H - T - B);
    const ticks = (n, f) => Array.from({ length: n + 1 }, (_, i) => f(i / n));
    const yt = ticks(4, (k) => Math.round(top * k));
    const xt = ticks(4, (k) => t0 + (t1 - t0) * k);
    const line = (v, colour, text) => `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="${colour}" stroke-dasharray="5 4"/><text x="${W - R - 4}" y="${y(v) - 4}" text-anchor="end" fill="${colour}" font-size="11">${esc(text)}</text>`;
    return `<svg id="churn" viewBox="0 0 ${W} ${H}" width="100%" style="max-width:${W}px;background:#fff;border:1px solid #e3e8ef" role="img" aria-label="churn score over time">` +
      yt.map((v) => `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#eef2f7"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11" fill="#556">${v}</text>`).join("") +
      xt.map((t) => `<text x="${x(t)}" y="${H - B + 16}" text-anchor="middle" font-size="11" fill="#556">${esc(time(t))}</text>`).join("") +
      `<text x="14" y="${T + (H - T - B) / 2}" transform="rotate(-90 14 ${T + (H - T - B) / 2})" text-anchor="middle" font-size="11" fill="#556">churn score</text>` +
      `<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#8795a8"/><line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#8795a8"/>` +
      (th ? line(th.openAbove, "#d2453b", `opens above ${th.openAbove}`) + line(th.resolveBelow, "#2e9d57", `resolves below ${th.resolveBelow}`) : "") +
      `<polyline fill="none" stroke="#0b65c2" stroke-width="2" points="${scores.map((s) => `${x(s.ts).toFixed(1)},${y(s.score).toFixed(1)}`).join(" ")}"/>` +
      `</svg><p class="muted">Each change of the subject adds to its score (a next-hop flap 1000, a metric change 500); the score halves every ${th ? dur(th.halfLifeMs) : "half-life"}. The alert opens when it goes above the red line and resolves once it decays below the green one.</p>`;
  }

  /** One evidence event as a sentence. */
  const sentence = (e) => `<li><span class="muted">${esc(time(e.ts))}</span> ${names.html(e.node)}: ${names.html(names.subject(e.subject))} ${esc(e.code.replaceAll("_", " ").replace(/^(route|mesh path|neighbor|mesh peer|station|node) /, ""))}` +
    `${e.before || e.after ? `, ${names.html(names.value(e.before))} → ${names.html(names.value(e.after))}` : ""}</li>`;

  function render(alert, events, thresholds) {
    const open = alert.state === "open";
    const folded = (alert.evidence.detail && Array.isArray(alert.evidence.detail.folded) && alert.evidence.detail.folded) || [];
    const lasted = (alert.resolvedAt || Date.now()) - alert.openedAt;
    const detail = Object.entries(alert.evidence.detail || {}).filter(([k, v]) => k !== "folded" && v !== null && typeof v !== "object")
      .map(([k, v]) => [k, k === "link" && typeof v === "string" ? names.subject(v) : v]);
    return `<h2>${pill(alert.state)} ${pill(alert.severity)} ${esc(names.text(alert.summary))}</h2>` +
      `<p id="alerttimes">${esc(alert.code.replaceAll("_", " "))} · ${names.html(names.subject(alert.subject))} · opened ${esc(new Date(alert.openedAt).toLocaleString())}` +
      `${open ? `, open for ${dur(lasted)}` : `, resolved ${esc(time(alert.resolvedAt))} after ${dur(lasted)}`}</p>` +
      (alert.ack ? `<p class="muted">acknowledged by ${esc(alert.ack.by)} at ${esc(time(alert.ack.at))}</p>` : "") +
      (alert.text ? `<p class="why">${esc(names.text(alert.text.why))}</p>` +
        (alert.text.evidence.length ? `<ul>${alert.text.evidence.map((x) => `<li>${names.html(names.text(x))}</li>`).join("")}</ul>` : "") +
        (alert.text.check.length ? `<h3>What to check</h3><ul>${alert.text.check.map((x) => `<li>${names.html(names.text(x))}</li>`).join("")}</ul>` : "") : "") +
      (detail.length ? `<p>${detail.map(([k, v]) => `${esc(k)}: <b>${esc(typeof v === "number" && k.toLowerCase().endsWith("since") ? time(v) : names.text(v))}</b>`).join(" · ")}</p>` : "") +
      ((alert.evidence.scores || []).length ? `<h3>Churn score</h3>${churnSvg(alert.evidence.scores, thresholds)}` : "") +
      (folded.length ? `<h3>Also explained by this problem</h3>` + table([["what", (f) => esc(String(f.code || "").replaceAll("_", " "))], ["subject", (f) => names.html(names.subject(f.subject || ""))], ["at", (f) => esc(f.ts ? time(f.ts) : "")]], folded) : "") +
      `<h3>Evidence</h3>${events.length ? `<ul class="evidence">${events.map(sentence).join("")}</ul>` : '<p class="muted">no events</p>'}`;
  }

  return { render, churnSvg };
})();
