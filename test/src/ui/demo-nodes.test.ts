import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startDemo, type RunningDemo } from "@meshfleet/sim/demo";
import { waitFor } from "@meshfleet/testkit";

/**
 * The built-in demo scenario was written for 7 routers; `--nodes 3` runs it folded onto
 * three (startDemo is what `npm run demo` calls).
 */
describe("demo with fewer nodes than its scenario names", () => {
  let demo: RunningDemo | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), "mf-demo3-"));
  afterAll(async () => {
    await demo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("--nodes 3 starts, says where the scenario's events went, and every router reports", async () => {
    const lines: string[] = [];
    demo = await startDemo({ dataDir, port: 0, nodes: 3, intervalMs: 500, say: (l) => lines.push(l) });
    expect(lines).toContain("  [sim] scenario: rebootNode at 120000 ms moved to node-2");
    expect(lines).toContain("  [sim] scenario: flapRoute at 30000 ms moved to node-1");
    expect(lines.some((l) => l.startsWith("simulated mesh: 3 routers"))).toBe(true);
    const base = demo.url.split("?")[0]!;
    const nodes = await waitFor(
      async () => {
        const r = (await (await fetch(`${base}api/nodes`, { headers: { authorization: `Bearer ${demo!.token}` } })).json()) as { nodes: { id: string; status: string }[] };
        return r.nodes.length === 3 && r.nodes.every((n) => n.status === "online") ? r.nodes : null;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: "3 nodes online" },
    );
    expect(nodes.map((n) => n.id)).toEqual(["node-1", "node-2", "node-3"]);
  }, 40_000);
});
