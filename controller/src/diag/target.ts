import { ERROR_CODES, isIpLiteral, MeshfleetError, type DiagArgs } from "@meshfleet/shared";
import type { StoreApi } from "../store/index";

/** A fleet node name a diagnostic named as its target, and the address the node was given instead. */
export interface ResolvedTarget {
  node: string;
  address: string;
  iface: string;
}

const isV6 = (a: string) => a.includes(":");
const isUla = (a: string) => /^f[cd]/i.test(a);

/**
 * Which of a node's own addresses a router reaches it by (from the addresses the node
 * reported with global or site scope in its latest snapshot; never link-local):
 * - IPv6: the mesh routes each node's LAN prefix, so its global IPv6 addresses are
 *   reachable from any node; the LAN bridge's (`br-lan`) first, then ULA before GUA,
 *   then the lowest address.
 * - IPv4: only an address no other node reports (OpenWrt gives every router 192.168.1.1
 *   on its LAN, which names no one node), by interface and address.
 * `ping` prefers IPv4 and falls back to IPv6 (busybox and iputils ping take either);
 * `ping6` takes IPv6 only; every other kind prefers IPv6 and falls back to IPv4.
 */
export function pickAddress(kind: DiagArgs["kind"], own: readonly [string, string][], othersIpv4: ReadonlySet<string>): { iface: string; address: string } | null {
  const rank = (x: [string, string]) => `${x[0] === "br-lan" ? 0 : 1}${isUla(x[1]) ? 0 : 1}${x[0]}\u0000${x[1]}`;
  const sorted = [...own].sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
  const v6 = sorted.filter((a) => isV6(a[1]));
  const v4 = sorted.filter((a) => !isV6(a[1]) && !othersIpv4.has(a[1]));
  const order = kind === "ping6" ? v6 : kind === "ping" ? [...v4, ...v6] : [...v6, ...v4];
  const first = order[0];
  return first ? { iface: first[0], address: first[1] } : null;
}

/**
 * Resolves a diagnostic's fleet-node target to the node's address, so that the router is
 * given an IP literal (it need not know fleet names). An IP literal, or no target, is
 * left as it is. A name that is no fleet node, or a node that reported no address a
 * router can reach, is a validation error (400) saying which.
 */
export async function resolveTarget(store: StoreApi, args: DiagArgs): Promise<{ args: DiagArgs; resolved: ResolvedTarget | null }> {
  if (!("target" in args) || isIpLiteral(args.target)) return { args, resolved: null };
  const name = args.target;
  if (!(await store.nodes.get(name))) throw new MeshfleetError(ERROR_CODES.validation, `target ${name} is neither an IP address nor a fleet node`);
  const own = (await store.telemetry.latest(name))?.raw?.data.ad ?? [];
  let others = new Set<string>();
  if (own.some((a) => !isV6(a[1]))) {
    const states = (await store.telemetry.states()).filter((s) => s.nodeId !== name);
    const raws = await store.telemetry.rawByIds(states.map((s) => s.rawId));
    others = new Set(raws.flatMap((r) => (r.data.ad ?? []).map((a) => a[1]).filter((a) => !isV6(a))));
  }
  const pick = pickAddress(args.kind, own, others);
  if (!pick) {
    const what = args.kind === "ping6" ? "no global IPv6 address" : "no global IPv6 address and no IPv4 address of its own";
    throw new MeshfleetError(ERROR_CODES.validation, `target ${name} is a fleet node, but its latest snapshot reports ${what}: give an IP address`);
  }
  return { args: { ...args, target: pick.address }, resolved: { node: name, address: pick.address, iface: pick.iface } };
}
