import { describe, expect, it } from "vitest";
import { alertTests } from "./dashboard/alerts";
import { eventsAndNamesTests } from "./dashboard/events";
import { jobTests } from "./dashboard/jobs";
import { overviewAndNodeTests } from "./dashboard/overview-node";
import { topologyTests } from "./dashboard/topology";
import { useUiDemo } from "./dashboard/ui-demo";

/**
 * The dashboard in real headless Chromium against one running demo (dashboard/ui-demo.ts
 * says what happens in it). The tests run in this order and share the page: the alert
 * tests wait for node-4's flap, the topology and events tests for node-3's reboot, and the
 * last test counts every console error since the start.
 */
describe("dashboard in Chromium against a running demo", () => {
  const ui = useUiDemo();
  overviewAndNodeTests(ui);
  alertTests(ui);
  topologyTests(ui);
  eventsAndNamesTests(ui);
  jobTests(ui);

  it("no page logs a console error (favicon included)", async () => {
    const { page, base, getJson, consoleErrors } = ui.get();
    const { alerts } = await getJson<{ alerts: { id: number }[] }>("api/alerts?limit=1");
    const pages = ["#/", "#/topology", "#/alerts", "#/events", "#/jobs", "#/node/node-1", ...(alerts[0] ? [`#/alert/${alerts[0].id}`] : [])];
    // Every console error since the start counts, the job test's invalid form included (checked, never a failed request).
    await page.goto(`${base()}#/`);
    for (const h of pages) {
      await page.evaluate((hash) => (location.hash = hash), h);
      await page.waitForFunction(() => !document.querySelector("#view .muted")?.textContent?.startsWith("loading"), undefined, { timeout: 10_000 });
    }
    const icon = await fetch(`${base()}favicon.ico`);
    expect([icon.status, icon.headers.get("content-type")]).toEqual([200, "image/svg+xml"]);
    expect(consoleErrors).toEqual([]);
  });
});
