import { expect, it } from "vitest";
import { actionsForEvent, humanSpan, humanUtc } from "./alert-rules";
import type { StoredEvent } from "./churn-score";

it("node_offline's summary says when in words a person reads (UTC clock time and day), and how long before it was marked offline", () => {
  const lastSeenTs = Date.UTC(2023, 10, 14, 22, 13, 20);
  const e = { id: 7, ts: lastSeenTs + 35_000, code: "node_offline", subject: "node:node-2", node: "node-2", before: { lastSeenTs }, after: null } as unknown as StoredEvent;
  const [a] = actionsForEvent(e);
  expect(a).toMatchObject({ type: "raise", input: { code: "node_offline", summary: "node-2 sent no snapshot since 22:13:20 UTC on 14 Nov 2023 (35 s before it was marked offline)" } });
  expect([humanUtc(Date.UTC(2026, 0, 5, 7, 4, 9)), humanSpan(45_000), humanSpan(180_000), humanSpan(9_000_000), humanSpan(3 * 86_400_000)]).toEqual(["07:04:09 UTC on 5 Jan 2026", "45 s", "3 min", "2.5 h", "3 days"]);
});
