import type { UciOp } from "./schemas/job";

/**
 * What each job template may touch, per UCI package: the options it sets or deletes and
 * the section types it creates. The controller's templates render inside these scopes
 * (tested there); the agent refuses any op outside the scope of the job's template, so a
 * compromised controller account cannot use a template's job to reach e.g. `system`,
 * `dropbear` or a firewall include script.
 */
export interface PackageScope {
  /** Options that may be set, deleted or have list values added/removed; "any" for all but HOOK_OPTIONS. */
  readonly options: "any" | readonly string[];
  /** Section types that may be created (`section` ops); "any" for all but HOOK_SECTION_TYPES. */
  readonly sectionTypes: "any" | readonly string[];
  /** Whether whole sections may be deleted (`delete` without an option). */
  readonly deleteSections: boolean;
}
export type JobScope = Readonly<Record<string, PackageScope>>;

/**
 * Options and section types that make OpenWrt run a program or load a file of the
 * sender's choice (fw4 includes, dnsmasq's dhcp script); refused even to raw jobs.
 */
export const HOOK_OPTIONS: readonly string[] = ["path", "script", "dhcpscript"];
export const HOOK_SECTION_TYPES: readonly string[] = ["include"];

/** The packages a raw job may touch (every option except the hooks). */
export const RAW_JOB_PACKAGES = ["wireless", "network", "firewall", "dhcp", "babeld"] as const;

const any: PackageScope = { options: "any", sectionTypes: "any", deleteSections: true };

export const JOB_SCOPES: Readonly<Record<string, JobScope>> = {
  mesh: {
    wireless: {
      options: ["channel", "band", "hwmode", "htmode", "device", "mode", "mesh_id", "encryption", "key", "network", "mesh_fwding"],
      sectionTypes: ["wifi-iface"],
      deleteSections: false,
    },
  },
  roaming: {
    wireless: {
      options: ["ssid", "encryption", "key", "ieee80211r", "mobility_domain", "ft_over_ds", "ft_psk_generate_local", "ieee80211k", "bss_transition"],
      sectionTypes: [],
      deleteSections: false,
    },
  },
  ssid: { wireless: { options: ["ssid", "encryption", "key"], sectionTypes: [], deleteSections: false } },
  "routing-firewall": {
    firewall: { options: ["name", "family", "proto", "src", "src_ip", "dest_port", "target"], sectionTypes: ["rule"], deleteSections: false },
  },
  raw: Object.fromEntries(RAW_JOB_PACKAGES.map((p) => [p, any])),
};

/** The template a job without one (an older controller) is judged by: the widest scope. */
export const DEFAULT_JOB_TEMPLATE = "raw";

const describe = (op: UciOp): string => `${op.op} ${op.config}.${op.section}${"option" in op && op.option !== undefined ? `.${op.option}` : ""}`;

/**
 * Every op of `ops` that the template's scope does not allow, each explained (empty when
 * all are allowed). Pure: the agent calls it before touching anything.
 */
export function opsOutsideScope(template: string, ops: readonly UciOp[]): string[] {
  const scope = Object.hasOwn(JOB_SCOPES, template) ? JOB_SCOPES[template] : undefined;
  if (scope === undefined) return [`unknown template ${JSON.stringify(template)}`];
  const out: string[] = [];
  for (const op of ops) {
    const pkg = Object.hasOwn(scope, op.config) ? scope[op.config] : undefined;
    if (pkg === undefined) {
      out.push(`${describe(op)}: package ${op.config} is outside the ${template} template`);
      continue;
    }
    if (op.op === "section") {
      const ok = pkg.sectionTypes === "any" ? !HOOK_SECTION_TYPES.includes(op.type) : pkg.sectionTypes.includes(op.type);
      if (!ok) out.push(`${describe(op)}=${op.type}: section type ${op.type} is outside the ${template} template`);
      continue;
    }
    if (op.option === undefined) {
      if (!pkg.deleteSections) out.push(`${describe(op)}: the ${template} template deletes no sections`);
      continue;
    }
    const ok = pkg.options === "any" ? !HOOK_OPTIONS.includes(op.option) : pkg.options.includes(op.option);
    if (!ok) out.push(`${describe(op)}: option ${op.option} is outside the ${template} template`);
  }
  return out;
}
