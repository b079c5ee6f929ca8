import { expect } from "vitest";
import type { ParseOutcome } from "@meshfleet/agent/parsers";
import type { World } from "../src/world";

/** Test support for the renderers: a parse that must succeed with nothing skipped, and a command's output on a node. */
export function value<T>(o: ParseOutcome<T>): T {
  if (!o.ok) throw new Error(`parse failed: ${o.error.message}`);
  expect(o.skipped).toBe(0);
  return o.value;
}

/** What `cmd` prints on `node` of the simulated world (it must exit 0). */
export async function out(w: World, node: string, cmd: string): Promise<string> {
  const r = await w.runnerFor(node).run(cmd.split(" "));
  expect(r.exitCode).toBe(0);
  return r.stdout;
}
