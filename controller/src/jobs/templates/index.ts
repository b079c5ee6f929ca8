import { meshTemplate } from "./mesh";
import { rawTemplate } from "./raw";
import { roamingTemplate } from "./roaming";
import { routingFirewallTemplate } from "./routing-firewall";
import { ssidTemplate } from "./ssid";
import type { JobTemplate } from "./types";

export * from "./types";

/** Every template by name. */
export const TEMPLATES: Readonly<Record<string, JobTemplate<never>>> = {
  roaming: roamingTemplate as JobTemplate<never>,
  mesh: meshTemplate as JobTemplate<never>,
  "routing-firewall": routingFirewallTemplate as JobTemplate<never>,
  ssid: ssidTemplate as JobTemplate<never>,
  raw: rawTemplate as JobTemplate<never>,
};
export { TEMPLATE_NAMES, type TemplateName } from "./names";
