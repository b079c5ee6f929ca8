// meshfleet dashboard: names instead of addresses. A fleet node's MAC or link-local
// address reads as the node's id (from /api/names), a station as its hostname or IP when
// a router knows it (station lists, /api/clients from DHCP leases), else its MAC; a MAC that
// is not a fleet node has its maker (IEEE OUI, /api/vendors) or is said to be randomised.
// Event subjects and before/after values as short text.
"use strict";
window.meshfleetNames = (() => {
  const { api, esc } = window.meshfleet;
  const MAC = /\b[0-9a-f]{2}(?::[0-9a-f]{2}){5}\b/gi;
  const LL = /\bfe80::[0-9a-f:]+(?:%[\w.-]+)?/gi;
  let cache = { macs: {}, addresses: {} };
  let loadedAt = 0;
  const hosts = new Map(); // station MAC -> hostname or IP, learnt from station lists

  /** The fleet's names, refetched at most every 30 s. */
  async function load() {
    if (Date.now() - loadedAt < 30_000) return cache;
    try {
      // Station hostnames and IPs from the routers' DHCP leases, where the controller has a client list.
      const [n, clients] = await Promise.all([api("/api/names"), api("/api/clients?limit=500").catch(() => null)]);
      cache = n;
      loadedAt = Date.now();
      if (clients) learn(clients.clients);
    } catch { /* keep the last answer */ }
    return cache;
  }
  /** Remembers what station lists say about their MACs (hostname, IP: optional fields). */
  function learn(stations) {
    for (const s of stations || []) {
      const n = s.hostname || s.dhcpHostname || s.ip || s.ipv4 || null;
      if (n && s.mac) hosts.set(s.mac.toLowerCase(), n);
    }
  }
  const node = (mac) => cache.macs[String(mac).toLowerCase()] || null;

  const ONE_MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;
  const vendorsKnown = new Map(); // MAC -> { vendor, randomised } from /api/vendors (IEEE OUI table)
  /** Looks up the makers of MACs that are not fleet nodes (200 per request, each MAC once). */
  async function vendors(macs) {
    const want = [...new Set(macs.map((m) => String(m || "").toLowerCase()))].filter((m) => ONE_MAC.test(m) && !node(m) && !vendorsKnown.has(m));
    for (let i = 0; i < want.length; i += 200) {
      const q = new URLSearchParams();
      for (const m of want.slice(i, i + 200)) q.append("mac", m);
      try {
        const r = await api(`/api/vendors?${q}`);
        for (const [m, v] of Object.entries(r.vendors)) vendorsKnown.set(m, v);
      } catch { /* no vendor shown; asked again next time */ }
    }
  }
  /** A MAC's maker in words: the registered vendor, "randomised MAC", or null when unknown. */
  const vendor = (m) => {
    const v = vendorsKnown.get(String(m || "").toLowerCase());
    return !v ? null : v.randomised ? "randomised MAC" : v.vendor;
  };
  const addrNode = (a) => cache.addresses[String(a).toLowerCase().replace(/%.*$/, "")] || null;
  /** A MAC as the fleet knows it: node id, station hostname/IP, else the MAC. */
  const mac = (m) => (m ? node(m) || hosts.get(String(m).toLowerCase()) || String(m) : "");
  /** Any text with its MACs and link-local addresses replaced by names where known. */
  const text = (t) => String(t ?? "").replace(MAC, (m) => mac(m)).replace(LL, (a) => addrNode(a) || a);

  /** The two node ids of a link key "node-1-node-2" (ids may hold dashes: the fleet's ids decide). */
  function linkEnds(pair) {
    const ids = new Set(Object.values(cache.macs));
    for (let i = pair.indexOf("-"); i > 0; i = pair.indexOf("-", i + 1)) {
      if (ids.has(pair.slice(0, i)) && ids.has(pair.slice(i + 1))) return [pair.slice(0, i), pair.slice(i + 1)];
    }
    const half = pair.match(/^(.+?-\d+)-(.+)$/); // unknown ids: "name-N-other"
    return half ? [half[1], half[2]] : [pair];
  }

  /** An event or alert subject as words: "path node-4 → node-6", "route fd00::/64 on node-4". */
  function subject(s) {
    const [kind, ...rest] = String(s || "").split(":");
    const tail = rest.slice(1).join(":");
    switch (kind) {
      case "mpath": return `path ${rest[0]} → ${mac(tail)}`;
      case "peer": return `mesh peer ${rest[0]} ↔ ${mac(tail)}`;
      case "route": return `route ${tail} on ${rest[0]}`;
      case "neighbor": return `neighbour ${addrNode(tail) || tail} of ${rest[0]}`;
      case "station": return `station ${mac(rest.join(":"))}`;
      case "node": return rest.join(":");
      case "link": return `link ${linkEnds(rest.join(":")).join(" ↔ ")}`;
      default: return text(s);
    }
  }

  const UNITS = { signalDbm: "dBm", expectedThroughputMbps: "Mbit/s", metric: "", uptimeSec: "s" };
  const LABELS = { nextHop: "via", nextHopNode: "via", viaNode: "via", neighborNode: "node", signalDbm: "signal", expectedThroughputMbps: "expected", lastSeenTs: "last seen", uptimeSec: "up", peerNode: "peer" };
  /** Keys shadowed by a resolved one: the raw address is not shown when its node is. */
  const SHADOW = { nextHop: ["nextHopNode", "viaNode"], address: ["neighborNode"], peer: ["peerNode"], dest: ["destNode"] };
  const SKIP = new Set(["type", "kind", "direct"]);

  /** An event's before/after value as short text ("via node-5, metric 472, mesh0"). */
  function value(v) {
    if (v === null || v === undefined) return "–";
    if (typeof v !== "object") return text(v);
    if (Array.isArray(v)) return v.map(value).join("; ");
    const parts = [];
    for (const [k, x] of Object.entries(v)) {
      if (x === null || x === undefined || SKIP.has(k)) continue;
      if ((SHADOW[k] || []).some((s) => v[s])) continue;
      if (k === "boot") { parts.push(`boot ${String(x).slice(0, 8)}`); continue; }
      if (k.endsWith("Ts") && typeof x === "number") { parts.push(`${LABELS[k] || k} ${new Date(x).toLocaleTimeString()}`); continue; }
      if (k === "iface" || k === "protocol") { parts.push(String(x)); continue; }
      const shown = typeof x === "object" ? value(x) : text(x);
      parts.push(`${LABELS[k] || k} ${shown}${UNITS[k] ? ` ${UNITS[k]}` : ""}`);
    }
    return parts.join(", ");
  }
  /** The same, escaped for HTML, with the node ids linked to their pages. */
  const html = (t) => {
    const ids = new Set(Object.values(cache.macs));
    return esc(t).replace(/[\w.-]+/g, (w) => (ids.has(w) ? `<a href="#/node/${encodeURIComponent(w)}">${w}</a>` : w));
  };

  return { load, learn, mac, text, subject, value, html, node, addrNode, vendors, vendor, MAC };
})();
