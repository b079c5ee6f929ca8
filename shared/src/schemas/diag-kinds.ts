/** The remote diagnostics a node runs (diag.ts validates their requests; kept apart so that a list of them costs no zod). */
export const DIAG_KINDS = ["ping", "ping6", "traceroute", "mpath", "stations", "route", "scan", "iperf3", "iperf3-server"] as const;
