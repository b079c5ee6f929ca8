import type { HostapdClients } from "@meshfleet/shared";
import { notFormat, parsed, type ParseOutcome } from "../types";
import { bool, clip, isJsonObject, jsonGet, num, plainRecord, readObject } from "./read";

type Client = HostapdClients["clients"][number];
const MAIN_KEYS = new Set(["auth", "assoc", "authorized", "signal", "bytes"]);

/**
 * `ubus call hostapd.IF get_clients`: `{freq, clients: {mac: {auth, assoc, authorized,
 * signal, bytes{rx,tx}, …}}}`. Every other client key lands in `flags` (plain values).
 * A MAC printed twice keeps its last block (the earlier one is counted as skipped);
 * duplicate keys inside a block keep the last value. Sorted by MAC.
 */
export function parseHostapdClients(input: string): ParseOutcome<HostapdClients> {
  const r = readObject(input, "hostapd get_clients");
  if (!r.ok) return r.outcome;
  const clientsObj = jsonGet(r.root, "clients");
  if (!isJsonObject(clientsObj)) return notFormat('not hostapd get_clients: no "clients" object', 1);
  let skipped = 0;
  const byMac = new Map<string, Client>();
  for (const [rawMac, c] of clientsObj.entries) {
    const mac = clip(rawMac.trim().toLowerCase()).slice(0, 64);
    if (mac === "" || !isJsonObject(c)) {
      skipped++;
      continue;
    }
    const bytes = jsonGet(c, "bytes");
    const flags = plainRecord(c);
    for (const k of MAIN_KEYS) delete flags[k];
    if (byMac.has(mac)) skipped++;
    byMac.set(mac, {
      mac,
      auth: bool(jsonGet(c, "auth")),
      assoc: bool(jsonGet(c, "assoc")),
      authorized: bool(jsonGet(c, "authorized")),
      signalDbm: num(jsonGet(c, "signal")),
      rxBytes: num(jsonGet(bytes, "rx")),
      txBytes: num(jsonGet(bytes, "tx")),
      flags,
    });
  }
  const clients = [...byMac.values()].sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0));
  return parsed({ freqMhz: num(jsonGet(r.root, "freq")), clients }, skipped);
}
