// meshfleet dashboard: time-series charts (uPlot) drawn from /api/nodes/:id/series answers.
// A chart is created once per panel and updated in place with setData; it is rebuilt only
// when the set of series or their names change (a station came or went, a peer's MAC got
// known as a fleet node). Each panel states what it
// draws in data attributes: data-series (lines), data-points (timestamps), data-last-ts.
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
    dBm: { fmt: (v) => (v == null ? "" : `${v} dBm`), axis: (vs) => vs.map((v) => `${v}`) },
    "B/s": { fmt: bytes, axis: (vs) => vs.map((v) => bytes(v).replace("/s", "")) },
    metric: { fmt: (v) => (v == null ? "" : String(v)), axis: (vs) => vs.map((v) => `${v}`) },
    "%": { fmt: (v) => (v == null ? "" : `${v} %`), axis: (vs) => vs.map((v) => `${v}`) },
  };

  function sizeOf(el) {
    return { width: Math.max(280, el.clientWidth - 2), height: HEIGHT };
  }

  /**
   * Draws `answer` (a series answer) in panel `el`: `label(series)` names each line,
   * `keep(series)` picks which series of the answer belong to this chart.
   */
  function draw(el, answer, { unit, label, keep = () => true, empty = "no samples in this window" }) {
    const picked = answer.series.filter(keep).filter((s) => s.values.some((v) => v !== null));
    const sig = picked.map((s) => `${s.key}=${label(s)}`).join("\n");
    const data = [answer.ts.map((t) => t / 1000), ...picked.map((s) => s.values)];
    el.dataset.series = String(picked.length);
    el.dataset.points = String(picked.length ? answer.ts.length : 0);
    el.dataset.lastTs = String(answer.ts.length ? answer.ts[answer.ts.length - 1] : 0);
    const note = el.querySelector(".empty");
    if (note) note.textContent = picked.length ? "" : empty;
    let u = instances[el.id];
    if (u && u.meshfleetSig === sig) {
      u.setData(data);
      return u;
    }
    if (u) u.destroy();
    delete instances[el.id];
    if (!picked.length) return null;
    const f = units[unit] || units.metric;
    u = new window.uPlot(
      {
        ...sizeOf(el),
        series: [{}, ...picked.map((s, i) => ({ label: label(s), stroke: PALETTE[i % PALETTE.length], width: 1.5, value: (_, v) => f.fmt(v), spanGaps: false, points: { show: false } }))],
        axes: [{}, { values: (_, vs) => f.axis(vs), size: 70 }],
        scales: { x: { time: true } },
        cursor: { drag: { x: false, y: false } },
        legend: { live: true },
      },
      data,
      el.querySelector(".chart"),
    );
    u.meshfleetSig = sig;
    instances[el.id] = u;
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
