import { expect, it } from "vitest";
import { diagCliArgs } from "./diag-command";

it("diag's command line maps onto the API's arguments, and names what is missing or not on the list", () => {
  expect(diagCliArgs("ping", "node-3", { api: "x", count: "5" })).toEqual({ kind: "ping", target: "node-3", count: 5 });
  expect(diagCliArgs("traceroute", "10.0.0.1", { api: "x", maxHops: "8" })).toEqual({ kind: "traceroute", target: "10.0.0.1", maxHops: 8 });
  expect(diagCliArgs("route", "fd00::/64", { api: "x" })).toEqual({ kind: "route", prefix: "fd00::/64" });
  expect(diagCliArgs("scan", undefined, { api: "x", iface: "wlan1" })).toEqual({ kind: "scan", iface: "wlan1" });
  expect(diagCliArgs("mpath", "mesh0", { api: "x" })).toEqual({ kind: "mpath", iface: "mesh0" });
  expect(diagCliArgs("iperf3", "node-2", { api: "x", duration: "3" })).toEqual({ kind: "iperf3", target: "node-2", durationSec: 3 });
  expect(() => diagCliArgs("ping", undefined, { api: "x" })).toThrow("ping needs a target");
  expect(() => diagCliArgs("ping", "node-3", { api: "x", count: "5x" })).toThrow("--count: expected a whole number");
  expect(() => diagCliArgs("shell", "reboot", { api: "x" })).toThrow("shell is not on the diagnostics list");
});
