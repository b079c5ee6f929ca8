/** The job templates' names (the command line's help lists them without loading the templates). */
export const TEMPLATE_NAMES = ["roaming", "mesh", "routing-firewall", "ssid", "raw"] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];
