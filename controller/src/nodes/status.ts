import type { NodeStateRow } from "../store/index";

export type NodeStatus = "online" | "offline" | "unknown";

/**
 * online: a snapshot arrived within `missed` intervals (controller clock, receive time,
 * so a router clock that is off does not matter); offline: none since; unknown: no
 * snapshot yet.
 */
export function nodeStatus(state: Pick<NodeStateRow, "receivedAt" | "intervalMs"> | null, now: number, missed = 3): NodeStatus {
  if (!state) return "unknown";
  return now - state.receivedAt <= missed * state.intervalMs ? "online" : "offline";
}
