import { describe, expect, it } from "vitest";
import { jobWindows, windowFor } from "./job-quiet";

describe("config job quiet windows (pure)", () => {
  const jobs = [
    {
      id: "job-aaaaaaaa",
      template: "mesh-channel",
      nodes: [
        { id: "node-3", firstSentAt: 1000, finishedAt: 61_000 },
        { id: "node-4", firstSentAt: 1000, finishedAt: null },
        { id: "node-5", firstSentAt: null, finishedAt: null },
      ],
    },
  ];

  it("from the first delivery until two minutes after the node finished; an unfinished node's window is renewed from now", () => {
    expect(jobWindows(jobs, 100_000)).toEqual([
      { jobId: "job-aaaaaaaa", template: "mesh-channel", node: "node-3", fromTs: 1000, untilTs: 181_000 },
      { jobId: "job-aaaaaaaa", template: "mesh-channel", node: "node-4", fromTs: 1000, untilTs: 220_000 },
    ]);
    // Past node-3's grace, node-4 is still being applied.
    expect(jobWindows(jobs, 181_000).map((w) => w.node)).toEqual(["node-4"]);
  });

  it("a symptom is the job's when it is about, or goes through, a node in its window", () => {
    const w = jobWindows(jobs, 100_000);
    expect(windowFor(w, ["node-9", "node-3"], 100_000)?.node).toBe("node-3");
    expect(windowFor(w, ["node-5", "node-9"], 100_000)).toBeNull();
    expect(windowFor(w, ["node-3"], 500)).toBeNull();
  });
});
