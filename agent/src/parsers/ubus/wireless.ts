import { isSecretName, type WirelessStatus } from "@meshfleet/shared";
import { notFormat, parsed, type ParseOutcome } from "../types";
import type { JsonObject, JsonValue } from "./json";
import { bool, clip, isJsonObject, jsonGet, plainRecord, readObject, text } from "./read";

type Radio = WirelessStatus["radios"][number];
const RADIO_KEYS = ["up", "config", "interfaces"];

const isRadio = (v: JsonValue): v is JsonObject => isJsonObject(v) && v.entries.some(([k]) => RADIO_KEYS.includes(k));

function readRadio(name: string, v: JsonObject): { radio: Radio; skipped: number } {
  let skipped = 0;
  const interfaces: Radio["interfaces"] = [];
  const list = jsonGet(v, "interfaces");
  if (Array.isArray(list)) {
    for (const item of list) {
      if (!isJsonObject(item)) {
        skipped++;
        continue;
      }
      interfaces.push({ section: text(jsonGet(item, "section")), ifname: text(jsonGet(item, "ifname")), config: plainRecord(jsonGet(item, "config")) });
    }
  } else if (list !== undefined) skipped++;
  return { radio: { name: clip(name), up: bool(jsonGet(v, "up")), disabled: bool(jsonGet(v, "disabled")), config: plainRecord(jsonGet(v, "config")), interfaces }, skipped };
}

/** A name for a radio printed without its key: its interfaces' `device`, else `default_radioN`, else "radio". */
function guessName(v: JsonObject): string {
  const list = jsonGet(v, "interfaces");
  for (const item of Array.isArray(list) ? list : []) {
    const device = text(jsonGet(jsonGet(item, "config"), "device"));
    if (device) return device;
    const m = /(radio\d+)/.exec(text(jsonGet(item, "section")) ?? "");
    if (m?.[1]) return m[1];
  }
  return "radio";
}

/**
 * `ubus call network.wireless status`: `{radioN: {up, disabled, config, interfaces:
 * [{section, ifname, config}]}}`. Also reads one radio's object printed alone (the
 * value of `radio0` without its key, as pasted in bug reports). Duplicate config keys
 * (`"noscan": "1", "noscan": true`) keep the last value. Config values are kept as
 * printed, secrets included: use `wirelessConfigFromStatus` (fingerprints) or
 * `redactWirelessStatus` before showing or sending anything.
 */
export function parseUbusWireless(input: string): ParseOutcome<WirelessStatus> {
  const r = readObject(input, "ubus network.wireless status");
  if (!r.ok) return r.outcome;
  const root = r.root;
  if (jsonGet(root, "interfaces") !== undefined && jsonGet(root, "config") !== undefined) {
    const one = readRadio(guessName(root), root);
    return parsed({ radios: [one.radio] }, one.skipped);
  }
  const byName = new Map<string, Radio>();
  let skipped = 0;
  for (const [name, v] of root.entries) {
    if (!isRadio(v)) {
      skipped++;
      continue;
    }
    const one = readRadio(name, v);
    if (byName.has(one.radio.name)) skipped++; // a duplicated radio key: the last one wins
    byName.set(one.radio.name, one.radio);
    skipped += one.skipped;
  }
  const radios = [...byName.values()];
  if (radios.length === 0 && root.entries.length > 0) return notFormat("not ubus network.wireless status: no radio objects", 1);
  radios.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return parsed({ radios }, skipped);
}

/** Config keys that hold secrets. */

/** The same status with every secret config value replaced by "(redacted)". */
export function redactWirelessStatus(status: WirelessStatus): WirelessStatus {
  const redact = (c: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c)) Object.defineProperty(out, k, { value: isSecretName(k) ? "(redacted)" : v, enumerable: true, writable: true, configurable: true });
    return out;
  };
  return { radios: status.radios.map((r) => ({ ...r, config: redact(r.config), interfaces: r.interfaces.map((i) => ({ ...i, config: redact(i.config) })) })) };
}
