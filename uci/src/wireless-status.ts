import type { WirelessStatus } from "@meshfleet/shared";
import type { UciPackage } from "./format";

/**
 * `/etc/config/wireless` in the shape of `ubus call network.wireless status` (radios with
 * their options, each with the interfaces whose `device` names it), so a node whose
 * config lives in UCI files (simulated, tests) reports its wireless config through the
 * same `wirelessConfigFromStatus` as a router. Lists become arrays, like ubus shows them.
 */
export function wirelessStatusFromUci(pkg: UciPackage): WirelessStatus {
  const options = (items: UciPackage["sections"][number]["items"]) => {
    const out: Record<string, unknown> = {};
    for (const it of items) {
      if (it.kind === "option") out[it.name] = it.value;
      else if (it.kind === "list") out[it.name] = [...it.values];
    }
    return out;
  };
  const radios = pkg.sections.filter((s) => s.type === "wifi-device" && s.name !== null);
  return {
    radios: radios.map((r) => {
      const config = options(r.items);
      const disabled = config.disabled === "1";
      return {
        name: r.name!,
        up: !disabled,
        disabled,
        config,
        interfaces: pkg.sections
          .filter((s) => s.type === "wifi-iface" && options(s.items).device === r.name)
          .map((s) => ({ section: s.name, ifname: null, config: options(s.items) })),
      };
    }),
  };
}
