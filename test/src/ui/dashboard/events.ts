import { expect, it } from "vitest";
import { NODES, shoot } from "./page-checks";
import type { UiContext } from "./ui-demo";

/** The events page (any time range) and fleet names on every page. */
export function eventsAndNamesTests(ui: { get(): UiContext }): void {
  it("the events page shows any time range (from - to, kept in the address): node-3's reboot", async () => {
    const { page, base, getJson } = ui.get();
    type Ev = { ts: number; code: string; node: string };
    const { events: all } = await getJson<{ events: Ev[] }>("api/events?node=node-3&limit=200");
    const off = all.find((e) => e.code === "node_offline")!;
    const back = all.find((e) => e.code === "node_online" && e.ts > off.ts)!;
    expect([off, back].every(Boolean)).toBe(true);
    const from = off.ts - 2000, to = back.ts + 2000;
    const { events: want } = await getJson<{ events: Ev[] }>(`api/events?since=${from}&until=${to}&limit=51`);
    expect(want.map((e) => e.code)).toEqual(expect.arrayContaining(["node_offline", "node_online"]));
    /** Times as a datetime-local input holds them, in the browser's time zone (its normalised value leaves out ":00" seconds). */
    const inputValues = (list: number[]) => page.evaluate((ts: number[]) => ts.map((ms) => { const d = new Date(ms); const p = (n: number) => String(n).padStart(2, "0"); return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}${d.getSeconds() ? `:${p(d.getSeconds())}` : ""}`; }), list);
    const stampsOf = (evs: Ev[]) => page.evaluate((ts) => ts.map((t) => { const d = new Date(t); return `${d.toLocaleDateString([], { month: "short", day: "numeric" })} ${d.toLocaleTimeString()}`; }), evs.map((e) => e.ts));
    // From the address: exactly the API's events of the range, newest first, the range in the inputs.
    await page.goto(`${base()}#/events?from=${from}&to=${to}`);
    await page.waitForSelector("#events tbody tr");
    const rows = async () => page.$$eval("#events tbody tr", (trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.children[1]!.textContent, tr.children[2]!.textContent]));
    const expected = want.slice(0, 50);
    const stamps = await stampsOf(expected);
    expect(await rows()).toEqual(expected.map((e, i) => [stamps[i], e.node, e.code.replaceAll("_", " ")]));
    expect(await page.inputValue("#fwin")).toBe("from – to");
    const local = await inputValues([from, to]);
    expect([await page.inputValue("#ffrom"), await page.inputValue("#fto")]).toEqual(local);
    await shoot(page, "events-range");
    // Typed in: node-3 only, the reboot's seconds; the address follows.
    await page.selectOption("#fnode", "node-3");
    await page.waitForFunction(() => Array.from(document.querySelectorAll("#events tbody tr td:nth-child(2)")).every((td) => td.textContent === "node-3"));
    const start = Math.floor(off.ts / 1000) * 1000, end = Math.ceil(back.ts / 1000) * 1000;
    const typed = await inputValues([start, end]);
    await page.fill("#ffrom", typed[0]!);
    await page.fill("#fto", typed[1]!);
    await page.waitForFunction((h) => location.hash === h, `#/events?from=${start}&to=${end}`);
    const { events: mine } = await getJson<{ events: Ev[] }>(`api/events?node=node-3&since=${start}&until=${end}&limit=51`);
    await page.waitForFunction((n) => document.querySelectorAll("#events tbody tr").length === n, mine.length);
    const mineStamps = await stampsOf(mine);
    expect(await rows()).toEqual(mine.map((e, i) => [mineStamps[i], "node-3", e.code.replaceAll("_", " ")]));
    expect(mine.map((e) => e.code)).toEqual(expect.arrayContaining(["node_offline", "node_online"]));
    // An end before the start is refused beside the inputs.
    await page.fill("#fto", typed[0]!.replace(/^\d{4}/, (y) => String(Number(y) - 1)));
    expect(await page.textContent("#rangeerr")).toBe("give a start before the end");
    expect(await page.evaluate(() => location.hash)).toBe(`#/events?from=${start}&to=${end}`);
    await page.evaluate(() => sessionStorage.clear());
  }, 60_000);

  it("the events, alerts and node pages name fleet nodes: no bare MAC or link-local address of a fleet node", async () => {
    const { page, base, getJson } = ui.get();
    const names = await getJson<{ macs: Record<string, string>; addresses: Record<string, string> }>("api/names");
    expect(Object.keys(names.macs).length).toBeGreaterThanOrEqual(NODES);
    const bare = (text: string) => [...Object.keys(names.macs), ...Object.keys(names.addresses)].filter((m) => text.toLowerCase().includes(m.toLowerCase()));
    const { alerts } = await getJson<{ alerts: { id: string; code: string }[] }>("api/alerts?limit=50");
    const flap = alerts.find((a) => a.code === "route_flapping")!;
    for (const [hash, ready, shot] of [
      ["#/events", "#events tbody tr", "events"],
      ["#/alerts", "#alertgroups li.alert", "alerts"],
      [`#/alert/${flap.id}`, "ul.evidence li", "alert"],
      ["#/node/node-1", "#tables table", "node-1"],
    ] as const) {
      await page.goto(`${base()}${hash}`);
      await page.waitForSelector(ready, { timeout: 15_000 });
      const text = await page.innerText("#view");
      expect(text.length, hash).toBeGreaterThan(200);
      expect(bare(text), hash).toEqual([]);
      await shoot(page, shot);
    }
    // The flapping alert: severity, times, its churn plot with axes and both thresholds, evidence as sentences.
    await page.goto(`${base()}#/alert/${flap.id}`);
    await page.waitForSelector("#churn");
    expect(await page.textContent("#churn")).toMatch(/churn score.*opens above 2000.*resolves below 750/);
    expect(await page.textContent("#alerttimes")).toMatch(/^route flapping · route ::\/0 on node-4 · opened .*, resolved .* after \d+ s$/);
    expect(await page.textContent("ul.evidence li")).toMatch(/node-4: route ::\/0 on node-4 /);
    // Mesh path events name both ends: "path node-x → node-y".
    await page.goto(`${base()}#/events`);
    await page.waitForSelector("#events tbody tr");
    expect(await page.innerText("#events")).toMatch(/path node-\d → node-\d/);
  }, 60_000);
}
