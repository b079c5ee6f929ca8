import { describe, expect, it } from "vitest";
import { findCause, mismatchCulprits, type Cause } from "./fold";

const T = 1_000_000;
const open = (code: Cause["as"], subject: string, keys: string[]): Cause => ({ alert: { code, subject }, as: code, label: `${code} ${subject}`, keys, resolvedAt: null });
const live = (as: Cause["as"], label: string, keys: string[]): Cause => ({ alert: null, as, label, keys, resolvedAt: null });

describe("root-cause folding", () => {
  it("folds a neighbour's route flapping into the rebooting node's alert, and prefers an open alert over a live problem", () => {
    const causes = [live("node_offline", "node-5 silent", ["node-5"]), open("node_offline", "node:node-5", ["node-5"])];
    const c = findCause({ code: "route_flapping", subject: "route:node-3:fd00:0:5::/64", keys: ["node-3", "node-5", "prefix:fd00:0:5::/64"] }, causes, T);
    expect(c?.label).toBe("node_offline node:node-5");
    expect(findCause({ code: "route_flapping", subject: "route:node-3:fd00:0:7::/64", keys: ["node-3", "node-7", "prefix:fd00:0:7::/64"] }, causes, T)).toBeNull();
  });

  it("folds the same prefix flapping elsewhere into the origin's route_flapping, but nothing else into it", () => {
    const origin = open("route_flapping", "route:node-4:::/0", ["prefix:::/0"]);
    expect(findCause({ code: "route_flapping", subject: "route:node-6:::/0", keys: ["node-4", "node-6", "prefix:::/0"] }, [origin], T)?.label).toBe("route_flapping route:node-4:::/0");
    expect(findCause({ code: "route_flapping", subject: "route:node-4:::/0", keys: ["node-4", "prefix:::/0"] }, [origin], T)).toBeNull();
    expect(findCause({ code: "neighbor_flapping", subject: "neighbor:node-4:fe80::6%mesh0", keys: ["node-4", "node-6"] }, [origin], T)).toBeNull();
  });

  it("folds another node's churn on the prefix only when it started with the alert's (::/0 flapping in another mesh an hour later is another problem)", () => {
    const origin = { ...open("route_flapping", "route:node-3:::/0", ["prefix:::/0", "node-3"]), startTs: T - 60 * 60_000 };
    expect(findCause({ code: "route_flapping", subject: "route:node-28:::/0", keys: ["node-28", "prefix:::/0"], startTs: T }, [origin], T)).toBeNull();
    expect(findCause({ code: "route_flapping", subject: "route:node-6:::/0", keys: ["node-6", "prefix:::/0"], startTs: T - 58 * 60_000 }, [origin], T)?.label).toBe("route_flapping route:node-3:::/0");
  });

  it("folds a slow convergence that a flapping route kept open into the route's alert (through the flapping nodes), but no other prefix's flap", () => {
    const origin = open("route_flapping", "route:node-3:::/0", ["prefix:::/0", "node-3"]);
    expect(findCause({ code: "slow_convergence", subject: "convergence:fleet", keys: ["node-3"] }, [origin], T)?.label).toBe("route_flapping route:node-3:::/0");
    expect(findCause({ code: "slow_convergence", subject: "convergence:fleet", keys: ["node-9"] }, [origin], T)).toBeNull();
    expect(findCause({ code: "route_flapping", subject: "route:node-3:fd00:0:7::/64", keys: ["node-3", "node-7", "prefix:fd00:0:7::/64"] }, [origin], T)).toBeNull();
  });

  it("folds links a channel change breaks into the configuration alert; a link is never folded into another link", () => {
    const lint = open("lint", "lint:mesh_channel_mismatch", ["node-8"]);
    const gone = live("mesh_link_down", "link:node-8-node-9 missing", ["node-8", "node-9"]);
    expect(findCause({ code: "mesh_link_down", subject: "link:node-3-node-8", keys: ["node-3", "node-8"] }, [gone, lint], T)?.label).toBe("lint lint:mesh_channel_mismatch");
    expect(findCause({ code: "mesh_link_down", subject: "link:node-3-node-9", keys: ["node-3", "node-9"] }, [gone], T)).toBeNull();
    expect(findCause({ code: "link_degraded", subject: "link:node-8-node-9", keys: ["node-8", "node-9"] }, [gone], T)).toBeNull();
  });

  it("uses a resolved cause only within the window", () => {
    const resolved: Cause = { ...open("mesh_link_down", "link:node-4-node-7", ["node-4", "node-7"]), id: "12", resolvedAt: T - 300_000 };
    const symptom = { code: "route_flapping" as const, subject: "route:node-4:fd00:0:7::/64", keys: ["node-4", "node-7", "prefix:fd00:0:7::/64"] };
    expect(findCause(symptom, [resolved], T)?.id).toBe("12");
    expect(findCause(symptom, [resolved], T + 301_000)).toBeNull();
  });

  it("blames the smallest group of a mismatch", () => {
    expect(mismatchCulprits({ "36": ["node-1", "node-2", "node-3"], "44": ["node-8"] })).toEqual(["node-8"]);
    expect(mismatchCulprits({ "36": ["node-1"], "44": ["node-8"] })).toEqual(["node-1", "node-8"]);
    expect(mismatchCulprits({ "36": ["node-1", "node-2"] })).toEqual([]);
  });
});
