// meshfleet dashboard: where the topology's nodes sit. Positions are kept in localStorage
// so a reload or a live update draws the mesh where it was; a node the user dragged is
// pinned (kept even by "re-layout"). A first layout (cose over the radio links, from a
// circle in id order, so the same mesh gets the same picture) runs only for nodes
// without a kept position; a node that appears later is put beside its neighbours.
// Node labels sit under the nodes and are pushed apart until none covers another.
"use strict";
window.meshfleetLayout = (() => {
  const KEY = "meshfleet.topology.positions";

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "{}") || {}; } catch { return {}; }
  }
  function save(cy) {
    const kept = load();
    cy.nodes().forEach((n) => {
      const p = n.position();
      kept[n.id()] = { x: Math.round(p.x), y: Math.round(p.y), pinned: !!(kept[n.id()] && kept[n.id()].pinned) || n.scratch("pinned") === true };
    });
    localStorage.setItem(KEY, JSON.stringify(kept));
  }
  function pin(node) {
    node.scratch("pinned", true);
    const kept = load();
    const p = node.position();
    kept[node.id()] = { x: Math.round(p.x), y: Math.round(p.y), pinned: true };
    localStorage.setItem(KEY, JSON.stringify(kept));
  }

  /** Label boxes (model coordinates) of the nodes, for the overlap checks. */
  const labelBox = (n) => n.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true });
  const bodyBox = (n) => n.boundingBox({ includeNodes: true, includeEdges: false, includeLabels: false });
  const hit = (a, b, pad = 4) => a.x1 < b.x2 + pad && b.x1 < a.x2 + pad && a.y1 < b.y2 + pad && b.y1 < a.y2 + pad;

  /** Moves unpinned nodes apart while a node label covers another node or its label. */
  function untangle(cy) {
    const ns = cy.nodes().toArray();
    for (let round = 0; round < 40; round++) {
      let moved = false;
      for (let i = 0; i < ns.length; i++) {
        for (let j = i + 1; j < ns.length; j++) {
          const a = ns[i], b = ns[j];
          const la = labelBox(a), lb = labelBox(b);
          if (!(hit(la, lb) || hit(la, bodyBox(b)) || hit(lb, bodyBox(a)))) continue;
          const pa = a.position(), pb = b.position();
          let dx = pb.x - pa.x, dy = pb.y - pa.y;
          if (dx === 0 && dy === 0) dx = 1;
          const d = Math.hypot(dx, dy);
          const step = 12;
          const mv = (n, s) => { if (!n.scratch("pinned")) n.position({ x: n.position().x + (s * step * dx) / d, y: n.position().y + (s * step * dy) / d }); };
          mv(a, -1);
          mv(b, 1);
          moved = true;
        }
      }
      if (!moved) return;
    }
  }

  /**
   * Places the nodes of `cy`: kept positions first; when some have none, a layout over
   * the radio links with the kept ones locked (or beside their neighbours when only a
   * few are new). Returns whether a full layout ran.
   */
  function place(cy, { fresh = false } = {}) {
    const kept = fresh ? Object.fromEntries(Object.entries(load()).filter(([, p]) => p.pinned)) : load();
    const missing = cy.nodes().filter((n) => !kept[n.id()]);
    cy.nodes().forEach((n) => {
      const k = kept[n.id()];
      if (k) { n.position({ x: k.x, y: k.y }); if (k.pinned) n.scratch("pinned", true); }
    });
    if (missing.length === 0) { untangle(cy); return false; }
    const known = cy.nodes().length - missing.length;
    if (known >= 2 && missing.length <= 2) {
      missing.forEach((n, i) => {
        const around = n.neighborhood("node").filter((m) => kept[m.id()]);
        const c = around.length ? around.toArray().reduce((s, m) => ({ x: s.x + m.position().x / around.length, y: s.y + m.position().y / around.length }), { x: 0, y: 0 }) : { x: 0, y: 0 };
        n.position({ x: c.x + 90 + 40 * i, y: c.y + 60 });
      });
    } else {
      const ids = cy.nodes().map((n) => n.id()).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
      const r = 60 * Math.max(3, ids.length) / Math.PI;
      missing.forEach((n) => {
        const i = ids.indexOf(n.id());
        n.position({ x: r * Math.cos((2 * Math.PI * i) / ids.length), y: r * Math.sin((2 * Math.PI * i) / ids.length) });
      });
      const lock = cy.nodes().filter((n) => kept[n.id()]);
      lock.lock();
      cy.elements().not('edge[kind = "relayed"]').layout({ name: "cose", animate: false, randomize: false, fit: false, idealEdgeLength: () => 130, nodeRepulsion: () => 600_000, nodeOverlap: 60, gravity: 0.5, numIter: 1500 }).run();
      lock.unlock();
    }
    untangle(cy);
    save(cy);
    return true;
  }

  function forget() {
    const pinned = Object.fromEntries(Object.entries(load()).filter(([, p]) => p.pinned));
    localStorage.setItem(KEY, JSON.stringify(pinned));
  }
  function unpinAll(cy) {
    localStorage.removeItem(KEY);
    cy.nodes().forEach((n) => n.removeScratch("pinned"));
  }

  return { place, save, pin, forget, unpinAll, untangle, labelBox, bodyBox, hit };
})();
