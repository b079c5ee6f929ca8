import { expect, it } from "vitest";
import { waitFor } from "@meshfleet/testkit";
import { shoot } from "./page-checks";
import type { UiContext } from "./ui-demo";

/** The alert list: an alert that opens and resolves, grouping, acknowledge and silence. */
export function alertTests(ui: { get(): UiContext }): void {
  it("a route_flapping alert appears and then resolves", async () => {
    const { demo, page } = ui.get();
    await page.goto(`${demo.url.split("?")[0]}#/alerts`);
    const rowText = async () => {
      await page.evaluate(() => window.dispatchEvent(new HashChangeEvent("hashchange")));
      await page.waitForSelector("#alertgroups li.alert", { timeout: 15_000 }).catch(() => null);
      return page.$$eval("#alertgroups li.alert", (lis) => lis.map((li) => li.textContent ?? ""));
    };
    // node-4's default route flaps; other nodes' routes through it may flap too and get their own alerts (or fold into node-4's).
    const open = await waitFor(async () => (await rowText()).find((t) => t.startsWith("open") && t.includes("route flapping") && t.includes("on node-4")), { timeoutMs: 60_000, intervalMs: 1000, what: "node-4's open route_flapping alert" })
      .catch(async (err: unknown) => { throw new Error(`${String(err)}; the page shows: ${(await page.innerText("#view")).slice(0, 600)}`); });
    expect(open).toContain("route ::/0 on node-4 is flapping");
    await shoot(page, "alerts-open");
    const resolved = await waitFor(async () => (await rowText()).find((t) => t.startsWith("resolved") && t.includes("route flapping") && t.includes("node-4")), { timeoutMs: 90_000, intervalMs: 2000, what: "the alert resolved" });
    expect(resolved).toContain("is flapping");
    await shoot(page, "alerts-resolved");
  }, 180_000);

  it("the alert list groups alerts by root cause with counts and folded symptoms; acknowledge and silence from the list, who and when shown", async () => {
    const { page, base, getJson, startedAt } = ui.get();
    type ApiAlert = { id: number; code: string; subject: string; node: string | null; state: string; evidence: { detail?: { link?: string; folded?: { code: string; subject: string }[] } }; ack?: { by: string; at: number } | null };
    const flapSubject = "route:node-4:::/0";
    await page.goto(`${base()}#/alerts`);
    await page.waitForSelector(`li.alert[data-subject="${flapSubject}"]`, { timeout: 15_000 });
    // The flap alert's group: every alert naming the same cause, counted, and each alert's folded symptoms listed under it.
    const groupOf = async () => {
      const { alerts } = await getJson<{ alerts: ApiAlert[] }>("api/alerts?limit=200");
      const flap = alerts.find((a) => a.subject === flapSubject && a.code === "route_flapping")!;
      // The cause: the link a flap was traced to, the link or node an alert is about, else the alert itself.
      const causeOf = (a: ApiAlert) => a.evidence.detail?.link ?? (/^(link|node):/.test(a.subject) ? a.subject : `${a.code}:${a.subject}`);
      const cause = causeOf(flap);
      const members = alerts.filter((a) => a.code !== "slow_convergence" && causeOf(a) === cause);
      const folded = members.reduce((n, a) => n + (a.evidence.detail?.folded?.length ?? 0), 0);
      const want = {
        cause,
        counts: `${members.length} alert${members.length > 1 ? "s" : ""} (${members.filter((a) => a.state === "open").length} open)${folded ? `, ${folded} folded symptom${folded > 1 ? "s" : ""}` : ""}`,
        subjects: members.map((a) => a.subject).sort(),
        flapFolded: (flap.evidence.detail?.folded ?? []).length,
      };
      await page.evaluate(() => window.dispatchEvent(new HashChangeEvent("hashchange")));
      await page.waitForSelector(`li.alert[data-subject="${flapSubject}"]`, { timeout: 15_000 });
      const seen = await page.evaluate((s) => {
        const li = document.querySelector(`li.alert[data-subject="${s}"]`)!;
        const sec = li.closest("section.agroup") as HTMLElement;
        return {
          cause: sec.dataset.cause,
          counts: sec.querySelector(".counts")!.textContent,
          subjects: Array.from(sec.querySelectorAll("li.alert")).map((x) => (x as HTMLElement).dataset.subject).sort(),
          flapFolded: li.querySelectorAll("details.folded li").length,
        };
      }, flapSubject);
      return { want, seen, flap };
    };
    const { want, seen, flap } = await waitFor(async () => { const g = await groupOf(); return JSON.stringify(g.want) === JSON.stringify(g.seen) ? g : null; }, { timeoutMs: 20_000, intervalMs: 1000, what: "the page's group of node-4's alert equal to the API's" });
    expect(seen).toEqual(want);
    expect(want.cause).toMatch(/^link:node-\d-node-\d$|^route_flapping:/);
    if (want.cause.startsWith("link:")) expect(await page.textContent(`section.agroup[data-cause="${want.cause}"] h3`)).toMatch(/link node-\d ↔ node-\d/);
    const li = `li.alert[data-subject="${flapSubject}"]`;
    // Folded symptoms are named in words (no raw subject), one line each.
    for (const f of flap.evidence.detail?.folded ?? []) expect(await page.textContent(`${li} details.folded`)).toContain(f.code.replaceAll("_", " "));
    // Acknowledge: who (the dashboard link's API token, by its name) and when, on the page and in the API.
    const { tokens } = await getJson<{ tokens: { name: string; revokedAt: number | null }[] }>("api/admin/tokens");
    const who = tokens.filter((t) => t.revokedAt === null).map((t) => t.name);
    expect(who).toHaveLength(1);
    expect(await page.$("#actor")).toBeNull();
    await page.click(`${li} button[data-act="ack"]`);
    await page.waitForSelector(`${li} .ack`);
    const acked = await getJson<{ alert: ApiAlert }>(`api/alerts/${flap.id}`);
    expect(acked.alert.ack?.by).toBe(who[0]);
    expect(await page.textContent(`${li} .ack`)).toBe(`acknowledged by ${who[0]} at ${await page.evaluate((t) => new Date(t).toLocaleTimeString(), acked.alert.ack!.at)}`);
    expect(acked.alert.ack!.at).toBeGreaterThan(startedAt);
    // Silence every route_flapping alert of node-4 for 4 h: the reason is asked for, then the silence is listed and the alert says so.
    await page.click(`${li} button[data-act="silence"]`);
    await page.selectOption(`${li} select[name="scope"]`, "code-node");
    await page.selectOption(`${li} select[name="duration"]`, String(4 * 3_600_000));
    await page.click(`${li} button[data-act="silence-go"]`);
    expect(await page.textContent(`.err[data-for="${flap.id}"]`)).toMatch(/reason/);
    await page.fill(`${li} input[name="reason"]`, "antenna work on node-4");
    await page.click(`${li} button[data-act="silence-go"]`);
    await page.waitForSelector("#silencelist tbody tr");
    const { silences } = await getJson<{ silences: { id: number; code: string | null; node: string | null; subject: string | null; fromTs: number; untilTs: number; createdBy: string; reason: string }[] }>("api/alerts/silences");
    expect(silences.map((x) => ({ code: x.code, node: x.node, subject: x.subject, by: x.createdBy, reason: x.reason, ms: x.untilTs - x.fromTs }))).toEqual([{ code: "route_flapping", node: "node-4", subject: null, by: who[0], reason: "antenna work on node-4", ms: 4 * 3_600_000 }]);
    const row = await page.$$eval("#silencelist tbody tr td", (tds) => tds.map((td) => td.textContent));
    expect([row[0], row[3], row[4]]).toEqual(["route flapping · on node-4", who[0], "antenna work on node-4"]);
    expect(await page.textContent(`${li} .silenced`)).toBe(`silenced until ${await page.evaluate((t) => { const d = new Date(t); return `${d.toLocaleDateString([], { month: "short", day: "numeric" })} ${d.toLocaleTimeString()}`; }, silences[0]!.untilTs)} by ${who[0]}: antenna work on node-4`);
    await shoot(page, "alerts-grouped");
    // End it now: no active silence left, the alert offers Silence again.
    await page.click('#silencelist button[data-act="unsilence"]');
    await page.waitForSelector(`${li} button[data-act="silence"]`);
    expect((await getJson<{ silences: unknown[] }>("api/alerts/silences")).silences).toEqual([]);
  }, 60_000);
}
