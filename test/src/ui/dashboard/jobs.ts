import { expect, it } from "vitest";
import { waitFor } from "@meshfleet/testkit";
import { NODES, shoot } from "./page-checks";
import type { UiContext } from "./ui-demo";

/** A job from the form to every node, and its marks on the charts. */
export function jobTests(ui: { get(): UiContext }): void {
  it("a roaming job created from the form reaches every node", async () => {
    const { demo, page, startedAt } = ui.get();
    await page.goto(`${demo.url.split("?")[0]}#/jobs`);
    await page.waitForSelector("#jobform");
    // The form shows the fields of the chosen template only.
    const fieldsOf = async (template: string) => {
      await page.selectOption('select[name="template"]', template);
      return page.$$eval("#fields [name]", (els) => els.map((e) => e.getAttribute("name")));
    };
    expect(await fieldsOf("ssid")).toEqual(["ssid", "encryption", "key", "match_ssid"]);
    expect(await fieldsOf("routing-firewall")).toEqual(["protocol", "zone"]);
    expect(await fieldsOf("mesh")).toEqual(["mesh_id", "key", "channel", "htmode", "force"]);
    expect(await fieldsOf("raw")).toEqual(["ops", "reloads"]);
    expect(await fieldsOf("roaming")).toEqual(["ssid", "key", "encryption", "mobility_domain", "ft_over_ds", "ieee80211k"]);
    await page.fill('input[name="key"]', "short");
    await page.fill('input[name="mobility_domain"]', "xyz");
    // An invalid form is a form error beside its fields, not a failed request (the page checks the job first).
    const answers: string[] = [];
    const onResponse = (r: { url(): string; status(): number; request(): { method(): string } }) => void (r.request().method() === "POST" && answers.push(`${r.status()} ${new URL(r.url()).pathname}`));
    page.on("response", onResponse);
    await page.click("#create");
    await expect.poll(() => page.textContent('.err[data-for="params.mobility_domain"]'), { timeout: 10_000 }).toMatch(/4 hex/);
    expect(await page.textContent('.err[data-for="params.key"]')).not.toBe("");
    page.off("response", onResponse);
    expect(answers).toEqual(["200 /api/jobs/check"]);
    expect(await page.$$eval("#plan *", (els) => els.length)).toBe(0);
    await shoot(page, "job-validation");
    await page.fill('input[name="key"]', "correct horse battery");
    await page.fill('input[name="mobility_domain"]', "4f2a");
    await page.click("#dry");
    await page.waitForSelector("pre.diff");
    expect(await page.textContent("#plan")).toContain("mobility_domain");
    // Every node gets the same change: one diff, said once.
    expect(await page.$$eval("#plan pre.diff", (ps) => ps.length)).toBe(1);
    expect(await page.textContent("#plan h3")).toBe("5 nodes: same change (node-1, node-2, node-3, node-4, node-5)");
    expect(await page.textContent("#plan")).not.toContain("correct horse battery");
    await page.click("#create");
    await page.waitForFunction(() => document.querySelector("#plan")?.textContent?.includes("created"), undefined, { timeout: 10_000 });
    const jobId = (await page.textContent("#plan b")) ?? "";
    const auth = demo.token ? { authorization: `Bearer ${demo.token}` } : undefined;
    const base = demo.url.split("?")[0];
    const job = await waitFor(
      async () => {
        const r = (await (await fetch(`${base}api/jobs/${jobId}`, { headers: auth })).json()) as { status: string; nodes: { node: string; state: string; appliedAt: number | null; receivedAt: number | null }[] };
        return r.nodes.length === NODES && r.nodes.every((n) => n.state === "verified") ? r : null;
      },
      { timeoutMs: 90_000, intervalMs: 1000, what: "every node verified" },
    );
    expect(job.status).toBe("completed");
    await page.evaluate(() => window.dispatchEvent(new HashChangeEvent("hashchange")));
    await page.waitForFunction((n) => document.querySelectorAll("#joblist .jobstate .verified").length >= n, NODES, { timeout: 15_000 });
    // Progress and the canary batch labelled; every status pill has a background colour.
    expect(await page.textContent("#joblist .progress")).toContain("5/5 verified");
    expect(await page.$$eval("#joblist .pill.canary", (ps) => ps.length)).toBe(1);
    const unreadable = await page.$$eval(".pill", (ps) => ps.filter((p) => ["rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"].includes(getComputedStyle(p).backgroundColor)).map((p) => p.textContent));
    expect(unreadable).toEqual([]);
    await shoot(page, "jobs");
    // The job is marked on every chart of a node it reached, at the time that node applied it.
    const n1 = job.nodes.find((n) => n.node === "node-1") as { appliedAt: number | null; receivedAt: number | null };
    const appliedAt = n1.appliedAt ?? n1.receivedAt;
    expect(appliedAt).toBeGreaterThan(startedAt);
    await page.goto(`${base}#/node/node-1`);
    await page.waitForFunction((t) => (JSON.parse(document.getElementById("plot-peers")?.dataset.markList ?? "[]") as { kind: string; ts: number }[]).some((m) => m.kind === "job" && m.ts === t), appliedAt, { timeout: 20_000 });
    for (const id of ["plot-peers", "plot-stations", "plot-counters"]) {
      const marks = JSON.parse((await page.getAttribute(`#${id}`, "data-mark-list")) ?? "[]") as { kind: string; ts: number }[];
      expect(marks.filter((m) => m.kind === "job"), id).toEqual([{ kind: "job", ts: appliedAt }]);
    }
    await shoot(page, "node-1-job-mark");
  }, 150_000);
}
