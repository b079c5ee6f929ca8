// meshfleet dashboard: time-series charts (uPlot) drawn from /api/nodes/:id/series answers.
// A chart is created once per panel and updated in place with setData; it is rebuilt only
// when the set of series or their names change (a station came or went, a peer's MAC got
// known as a fleet node). Missing samples leave a gap, reboots/alerts/jobs are marked,
// the legend shows the newest values until the cursor points elsewhere. Each panel states
// what it draws in data attributes: data-series (lines), data-points (timestamps as
// served), data-last-ts, data-gaps (the inserted gap timestamps), data-marks.
"use strict";
window.meshfleetPlots = (() => {
  const PALETTE = ["#0b65c2", "#d2453b", "#2e9d57", "#e39b1f", "#8e44ad", "#16a2b8", "#c2185b", "#6d4c41", "#7cb342", "#546e7a"];
  const HEIGHT = 220;
  /** Live chart instances by panel id (tests read them). */
  const instances = {};

  const bytes = (v) => {
    if (v == null) return "";
    const a = Math.abs(v);
    return a >= 1e6 ? `${(v / 1e6).toFixed(1)} MB/s` : a >= 1e3 ? `${(v / 1e3).toFixed(1)} kB/s` : `${Math.round(v)} B/s`;
  };
  const units = {
    dBm: { fmt: (v) => (v == null ? "" : `${v} dBm`), axis: (vs) => vs.map((v) => `${v}`), label: "dBm" },
    "B/s": { fmt: bytes, axis: (vs) => vs.map((v) => bytes(v)), label: "bytes/s" },
    "Mbit/s": { fmt: (v) => (v == null ? "" : `${v} Mbit/s`), axis: (vs) => vs.map((v) => `${v}`), label: "Mbit/s" },
    metric: { fmt: (v) => (v == null ? "" : String(v)), axis: (vs) => vs.map((v) => `${v}`), label: "airtime metric" },
    "%": { fmt: (v) => (v == null ? "" : `${v} %`), axis: (vs) => vs.map((v) => `${v}`), label: "%" },
  };

  function sizeOf(el) {
    return { width: Math.max(280, el.clientWidth - 2), height: HEIGHT };
  }

  /** Series names longer than this are cut in the legend (the full name on hover). */
  const SHORT = 24;
  const short = (n) => (n.length > SHORT ? `${n.slice(0, SHORT - 1)}…` : n);
  const MARK = { reboot: "#8e44ad", offline: "#8795a8", alert: "#d2453b", job: "#0b65c2" };

  /**
   * Where samples are missing (a reboot, an outage): a null row after every step longer
   * than 2.5 times the usual one, so no line is drawn across it. Returns the rows and
   * the timestamps (ms) of the inserted gaps.
   */
  function withGaps(ts, cols) {
    const d = ts.slice(1).map((t, i) => t - ts[i]).sort((x, y) => x - y);
    const usual = d.length ? d[Math.floor(d.length / 2)] : 0;
    if (!usual) return { ts, cols, gaps: [] };
    const outTs = [], outCols = cols.map(() => []), gaps = [];
    ts.forEach((t, i) => {
      if (i > 0 && t - ts[i - 1] > 2.5 * usual) {
        const g = Math.round((t + ts[i - 1]) / 2);
        outTs.push(g);
        outCols.forEach((c) => c.push(null));
        gaps.push(g);
      }
      outTs.push(t);
      outCols.forEach((c, k) => c.push(cols[k][i]));
    });
    return { ts: outTs, cols: outCols, gaps };
  }

  /** Vertical marks for `marks` [{ ts, kind, text }] (reboots, alerts, jobs) over the plot. */
  function drawMarks(u) {
    const ctx = u.ctx;
    const [x0, x1] = [u.scales.x.min, u.scales.x.max];
    ctx.save();
    for (const m of u.meshfleetMarks || []) {
      const t = m.ts / 1000;
      if (t < x0 || t > x1) continue;
      const x = Math.round(u.valToPos(t, "x", true));
      ctx.strokeStyle = MARK[m.kind] || "#556";
      ctx.fillStyle = ctx.strokeStyle;
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.font = `${10 * devicePixelRatio}px system-ui, sans-serif`;
      // Near the right edge the label goes to the left of its line, so it stays inside the plot.
      const text = m.label || m.kind;
      const right = x + ctx.measureText(text).width + 6 * devicePixelRatio > u.bbox.left + u.bbox.width;
      ctx.textAlign = right ? "right" : "left";
      ctx.fillText(text, x + (right ? -3 : 3) * devicePixelRatio, u.bbox.top + (m.kind === "job" ? 22 : 10) * devicePixelRatio);
    }
    ctx.restore();
  }

  /** With the cursor off the chart the legend shows the newest values, not "--". */
  function legendAtLast(u) {
    if (u.cursor.idx != null) return;
    const n = u.data[0].length;
    if (n) u.setLegend({ idx: n - 1 });
  }

  /**
   * Draws `answer` (a series answer) in panel `el`: `label(series)` names each line,
   * `keep(series)` picks which series of the answer belong to this chart, `marks` are
   * drawn as vertical lines, `onZoom(fromMs, toMs)` is called when the user selects a range.
   */
  function draw(el, answer, { unit, label, keep = () => true, empty = "no samples in this window", marks = [], onZoom = null }) {
    const picked = answer.series.filter(keep).filter((s) => s.values.some((v) => v !== null));
    const sig = picked.map((s) => `${s.key}=${label(s)}`).join("\n");
    const g = withGaps(answer.ts, picked.map((s) => s.values));
    const data = [g.ts.map((t) => t / 1000), ...g.cols];
    el.dataset.series = String(picked.length);
    el.dataset.points = String(picked.length ? answer.ts.length : 0);
    el.dataset.lastTs = String(answer.ts.length ? answer.ts[answer.ts.length - 1] : 0);
    el.dataset.gaps = JSON.stringify(picked.length ? g.gaps : []);
    el.dataset.marks = String(marks.length);
    el.dataset.markList = JSON.stringify(marks.map((m) => ({ kind: m.kind, ts: m.ts })));
    const note = el.querySelector(".empty");
    if (note) note.textContent = picked.length ? "" : empty;
    let u = instances[el.id];
    if (u && u.meshfleetSig === sig) {
      u.meshfleetMarks = marks;
      u.setData(data);
      legendAtLast(u);
      return u;
    }
    if (u) u.destroy();
    delete instances[el.id];
    if (!picked.length) return null;
    const f = units[unit] || units.metric;
    const full = picked.map((s) => label(s));
    u = new window.uPlot(
      {
        ...sizeOf(el),
        series: [{ value: (_, v) => (v == null ? "" : new Date(v * 1000).toLocaleTimeString()) }, ...picked.map((s, i) => ({ label: short(full[i]), stroke: PALETTE[i % PALETTE.length], width: 1.5, value: (_, v) => (v == null ? "–" : f.fmt(v)), spanGaps: false, points: { show: false } }))],
        axes: [{}, { values: (_, vs) => f.axis(vs), size: 70, label: f.label, labelSize: 18 }],
        scales: { x: { time: true } },
        cursor: { drag: { x: !!onZoom, y: false } },
        legend: { live: true },
        hooks: {
          draw: [drawMarks],
          setCursor: [legendAtLast],
          setSelect: [(v) => {
            if (!onZoom || v.select.width < 5) return;
            const from = v.posToVal(v.select.left, "x") * 1000, to = v.posToVal(v.select.left + v.select.width, "x") * 1000;
            v.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
            onZoom(Math.round(from), Math.round(to));
          }],
        },
      },
      data,
      el.querySelector(".chart"),
    );
    u.meshfleetSig = sig;
    u.meshfleetMarks = marks;
    u.meshfleetLabels = full;
    // The full series name on hover over its legend entry.
    el.querySelectorAll(".u-legend .u-series").forEach((tr, i) => { if (i > 0) tr.title = full[i - 1]; });
    instances[el.id] = u;
    legendAtLast(u);
    return u;
  }

  function destroyAll() {
    for (const [id, u] of Object.entries(instances)) {
      u.destroy();
      delete instances[id];
    }
  }

  window.addEventListener("resize", () => {
    for (const [id, u] of Object.entries(instances)) {
      const el = document.getElementById(id);
      if (el) u.setSize(sizeOf(el));
    }
  });

  return { draw, destroyAll, instances, bytes };
})();
