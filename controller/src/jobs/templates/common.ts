import { z } from "zod";
import { uciValue, type UciOp, type WifiIfaceConfig } from "@meshfleet/shared";
import type { NodeContext } from "./types";

/** An SSID: 1–32 characters, no control characters (stored literally). */
export const ssidParam = z.pipe(uciValue, z.string().min(1, "SSID must not be empty").max(32, "SSID is at most 32 characters"));
/** A WPA passphrase: 8–63 characters (a 64-hex-digit PSK is also accepted). */
export const wpaKey = z.pipe(
  uciValue,
  z.string().refine((k) => (k.length >= 8 && k.length <= 63) || /^[0-9a-fA-F]{64}$/.test(k), "key must be 8–63 characters (or 64 hex digits)"),
);
export const networkName = z.string().regex(/^[A-Za-z0-9_]{1,15}$/, "network is a UCI interface name (letters, digits, _)");
export const ENCRYPTIONS = ["psk2", "psk2+ccmp", "psk-mixed", "sae", "sae-mixed", "none"] as const;

/** AP interfaces of a node, optionally only those broadcasting `ssid`, with a UCI section name. */
export function apInterfaces(node: NodeContext, ssid?: string): (WifiIfaceConfig & { section: string })[] {
  return node.wireless.interfaces.filter(
    (i): i is WifiIfaceConfig & { section: string } => i.mode === "ap" && i.section !== null && i.disabled !== true && (ssid === undefined || i.ssid === ssid),
  );
}

export function setOp(config: string, section: string, option: string, value: string): UciOp {
  return { op: "set", config, section, option, value };
}

export const bool01 = (b: boolean) => (b ? "1" : "0");
