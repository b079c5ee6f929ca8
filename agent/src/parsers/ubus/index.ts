export { parseJsonKeepDuplicates, jsonGet, jsonGetAll, toPlainJson, isJsonObject, type JsonValue, type JsonObject } from "./json";
export { parseUbusBoard } from "./board";
export { parseUbusWireless, redactWirelessStatus } from "./wireless";
export { wirelessConfigFromStatus, type WirelessConfigOptions } from "./wireless-config";
export { parseHostapdClients } from "./hostapd";
export { sha256Fingerprint } from "./fingerprint";
