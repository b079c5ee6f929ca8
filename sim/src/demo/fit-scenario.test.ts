import { describe, expect, it } from "vitest";
import { DEMO_SCENARIO } from "../scenario";
import { World } from "../world";
import { fitScenario } from "./fit-scenario";

const worldOf = (nodes: number) => {
  const w = new World({ seed: 1, nodes, routing: "babel" });
  return {
    world: w,
    fit: { nodeIds: () => w.nodeIds(), links: () => w.model.links.map((l) => [w.model.nodes[l.a]!.id, w.model.nodes[l.b]!.id] as [string, string]) },
  };
};

describe("fitScenario", () => {
  it("leaves the demo scenario as written on the 7 nodes it was written for", () => {
    const { fit } = worldOf(7);
    expect(fitScenario(DEMO_SCENARIO, fit)).toEqual({ events: DEMO_SCENARIO.events, notes: [] });
  });

  it("folds the demo scenario onto every fleet size from 2 to 12 so that the world accepts every event", () => {
    for (let n = 2; n <= 12; n++) {
      const { world, fit } = worldOf(n);
      const { events } = fitScenario(DEMO_SCENARIO, fit);
      expect(() => world.schedule(...events), `${n} nodes`).not.toThrow();
      expect(events.some((e) => e.type === "rebootNode"), `${n} nodes`).toBe(true);
      expect(events.some((e) => e.type === "flapRoute"), `${n} nodes`).toBe(true);
      expect(events.some((e) => e.type === "degradeLink"), `${n} nodes`).toBe(true);
    }
  });

  it("names what it moved: node-4 and node-5 fold onto node-1 and node-2 in a 3-node world", () => {
    const { fit } = worldOf(3);
    const { events, notes } = fitScenario(DEMO_SCENARIO, fit);
    expect(events.find((e) => e.type === "flapRoute")).toMatchObject({ node: "node-1", prefix: "::/0" });
    expect(events.find((e) => e.type === "rebootNode")).toMatchObject({ node: "node-2" });
    expect(notes).toContain("rebootNode at 120000 ms moved to node-2");
    expect(notes).toContain("roamStation at 45000 ms left out: no place for it among 3 nodes");
  });
});
