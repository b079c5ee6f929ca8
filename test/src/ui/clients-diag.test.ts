import { spawn } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { RunningDemo } from "@meshfleet/sim/demo";
import { waitFor } from "@meshfleet/testkit";
import { shoot } from "./dashboard/page-checks";
import { useUiDemo, type UiContext } from "./dashboard/ui-demo";

type Roam = { ts: number; from: string; to: string; fromIface: string; toIface: string; gapMs: number };
type History = { mac: string; hostname: string | null; ip: string | null; firstSeen: number; lastSeen: number; roams: Roam[]; segments: { node: string; iface: string; band: string | null }[]; samples: unknown[] };
type Stats = { roams: number; medianGapMs: number | null; p95GapMs: number | null; slow: number; failed?: number };

/** The station the scenario moves back and forth between node-1 and node-2 (every 4 s from 3 s). */
const ROAMER = "node-1/0";
const roams = Array.from({ length: 40 }, (_, i) => ({ type: "roamStation" as const, atMs: 3000 + i * 4000, station: ROAMER, toNode: i % 2 === 0 ? "node-2" : "node-1" }));

/**
 * The client page and the diagnostics panel in real headless Chromium (Debian's package,
 * driven by playwright-core) against a running demo: 4 simulated routers every second,
 * one station roaming between node-1 and node-2 every 4 s, and a roaming (802.11r) job
 * rolled out during the test, so the page has roams before and after it.
 */
describe("client page and diagnostics panel in Chromium", () => {
  const ui = useUiDemo({ scenario: { name: "ui-clients", nodes: 4, routing: "babel", events: roams } });
  let demo: RunningDemo;
  let page: Page;
  let base: () => string;
  let getJson: UiContext["getJson"];
  let call: UiContext["call"];
  let consoleErrors: string[];

  beforeAll(async () => {
    ({ demo, page, base, getJson, call, consoleErrors } = ui.get());
    await page.goto(demo.url);
  });

  it("search by MAC, hostname or IP, then the client's story: where it was, signal and rates, each roam with its gap", async () => {
    // The roaming station, once the controller has seen it roam twice.
    const roamed = await waitFor(
      async () => {
        const { events } = await getJson<{ events: { subject: string }[] }>("api/events?code=station_roamed&limit=50");
        const counts = new Map<string, number>();
        for (const e of events) counts.set(e.subject, (counts.get(e.subject) ?? 0) + 1);
        return [...counts].find(([, n]) => n >= 2)?.[0];
      },
      { timeoutMs: 40_000, intervalMs: 1000, what: "a station roaming twice" },
    );
    const mac = roamed.replace(/^station:/, "");
    const h0 = await getJson<History>(`api/clients/${mac}`);
    expect(h0.hostname ?? h0.ip).toBeTruthy();

    await page.goto(`${base()}#/clients`);
    const search = async (q: string) => {
      await page.fill("#client-q", q);
      await page.waitForFunction((want) => location.hash === `#/clients?q=${encodeURIComponent(want)}` && !!document.querySelector("#clients"), q);
      await expect.poll(() => page.$$eval("#clients tbody tr td:first-child", (tds) => tds.map((t) => t.textContent)), { timeout: 10_000 }).toContain(mac);
      const api = await getJson<{ clients: { mac: string }[] }>(`api/clients?q=${encodeURIComponent(q)}&limit=200`);
      return { api: api.clients.map((c) => c.mac), page: await page.$$eval("#clients tbody tr td:first-child", (tds) => tds.map((t) => t.textContent)) };
    };
    for (const q of [mac.toUpperCase(), mac.slice(9), ...(h0.hostname ? [h0.hostname] : []), ...(h0.ip ? [h0.ip] : [])]) {
      const r = await search(q);
      expect(r.page, q).toEqual(r.api);
    }
    if (h0.hostname) expect((await search(h0.hostname)).page).toEqual([mac]);

    await page.click(`#clients a[href="#/client/${encodeURIComponent(mac)}"]`);
    await page.waitForFunction(() => Number(document.querySelector('#client-sum td[data-k="roams"]')?.textContent) >= 2, undefined, { timeout: 15_000 });
    // What the page shows is what the API served for the same window (read back until one refresh agrees).
    await expect
      .poll(
        async () => {
          const h = await getJson<History>(`api/clients/${mac}`);
          const shown = await page.evaluate(() => ({
            sum: Object.fromEntries(Array.from(document.querySelectorAll("#client-sum td")).map((td) => [td.getAttribute("data-k"), td.textContent])),
            roams: Array.from(document.querySelectorAll("#client-roams tbody tr")).map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => td.textContent)),
            segments: Array.from(document.querySelectorAll("#client-segments tbody tr")).map((tr) => tr.querySelector("td")?.textContent),
          }));
          const want = {
            sum: { mac: h.mac, hostname: h.hostname ?? "–", ip: h.ip ?? "–", roams: String(h.roams.length) },
            roams: h.roams.map((r) => [r.from, r.fromIface, r.to, r.toIface, `${r.gapMs} ms${r.gapMs > 2000 ? " slow" : ""}`]),
            segments: h.segments.map((s) => `${s.node} ${s.iface}`),
          };
          const got = {
            sum: { mac: shown.sum.mac, hostname: shown.sum.hostname, ip: shown.sum.ip, roams: shown.sum.roams },
            roams: shown.roams.map((r) => [...r[1]!.split(" "), ...r[2]!.split(" "), r[3]]),
            segments: shown.segments,
          };
          return JSON.stringify(got) === JSON.stringify(want) ? "same" : JSON.stringify({ got, want });
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe("same");
    const h = await getJson<History>(`api/clients/${mac}`);
    // It walks between node-1 and node-2 (and may pass another AP on the way).
    expect([...new Set(h.roams.flatMap((r) => [r.from, r.to]))]).toEqual(expect.arrayContaining(["node-1", "node-2"]));
    // The signal chart has one line per AP it was on, the rates chart tx and rx; roams are marked.
    const charts = await page.evaluate(() => {
      const inst = (window as unknown as { meshfleetPlots: { instances: Record<string, { series: { label: string }[] }> } }).meshfleetPlots.instances;
      return Object.fromEntries(Object.entries(inst).map(([id, u]) => [id, { labels: u.series.slice(1).map((s) => s.label), marks: document.getElementById(id)!.dataset.marks }]));
    });
    expect(charts["plot-client-signal"]!.labels.map((l) => l.split(" ")[0]).sort()).toEqual([...new Set(h.segments.map((s) => s.node))].sort());
    expect(charts["plot-client-rates"]!.labels).toEqual(["tx bitrate", "rx bitrate"]);
    expect(Number(charts["plot-client-signal"]!.marks)).toBeGreaterThanOrEqual(2);
    await shoot(page, "client");
    // On a phone the page does not scroll sideways: charts shrink, tables scroll inside their box.
    await page.setViewportSize({ width: 390, height: 844 });
    const widest = () =>
      page.evaluate(() => {
        const over = Array.from(document.querySelectorAll("body *")).filter((e) => e.getBoundingClientRect().right > 390 && !e.closest(".scroll"));
        return { width: document.documentElement.scrollWidth, over: over.slice(0, 5).map((e) => `${e.tagName}#${e.id}.${e.className}`) };
      });
    await expect.poll(async () => (await widest()).width, { timeout: 5000 }).toBeLessThanOrEqual(390).catch(async (e: unknown) => {
      throw new Error(`wider than the phone: ${JSON.stringify(await widest())}`, { cause: e });
    });
    await page.setViewportSize({ width: 1400, height: 900 });
  }, 90_000);

  it("client charts zoom like the node page's: a drag across a chart narrows both charts and the tables to that range, kept in the address; Back to live returns to the window", async () => {
    await page.waitForSelector("#plot-client-signal .u-over");
    const hash = await page.evaluate(() => location.hash);
    const mac = decodeURIComponent(/^#\/client\/([^?]+)/.exec(hash)![1]!);
    const over = (await page.$("#plot-client-signal .u-over"))!;
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => /\?from=\d+&to=\d+$/.test(location.hash));
    const [from, to] = (await page.evaluate(() => location.hash)).match(/from=(\d+)&to=(\d+)/)!.slice(1).map(Number) as [number, number];
    expect(to).toBeGreaterThan(from);
    expect(await page.isVisible("#client-range")).toBe(true);
    // Both charts show the picked range (their x scale, in seconds), and the tables are the API's for it.
    const scales = await page.evaluate(() => {
      const inst = (window as unknown as { meshfleetPlots: { instances: Record<string, { data: number[][] }> } }).meshfleetPlots.instances;
      return Object.fromEntries(["plot-client-signal", "plot-client-rates"].map((id) => [id, inst[id]!.data[0]!]));
    });
    for (const ts of Object.values(scales)) for (const t of ts) expect(t * 1000 >= from && t * 1000 <= to).toBe(true);
    const h = await getJson<History>(`api/clients/${mac}?from=${from}&to=${to}`);
    await expect.poll(() => page.$eval('#client-sum td[data-k="roams"]', (td) => td.textContent)).toBe(String(h.roams.length));
    // Kept in the address: a reload shows the same range.
    await page.reload();
    await page.waitForSelector("#client-range:not([hidden])");
    await page.click("#client-unzoom");
    await page.waitForFunction(() => /^#\/client\/[^?]+$/.test(location.hash));
    expect(await page.isHidden("#client-range")).toBe(true);
  }, 60_000);

  it("roaming quality per fleet and per AP pair, before and after a roaming job", async () => {
    const job = await call<{ id: string }>("POST", "api/jobs", { template: "roaming", target: "all", params: { ssid: "meshfleet", key: "fleet roaming key", mobility_domain: "BEEF" }, rollout: { canary: 1, batchSize: 4 }, verify: { deadlineMs: 5000 } });
    expect(job.id).toBeTruthy();
    const done = await waitFor(
      async () => {
        const j = await getJson<{ status: string; finishedAt: number | null }>(`api/jobs/${job.id}`);
        return j.finishedAt ? j : undefined;
      },
      { timeoutMs: 40_000, intervalMs: 1000, what: "the roaming job to finish" },
    );
    expect(done.status).toBe("completed");
    // A roam after the job finished.
    await waitFor(async () => ((await getJson<{ after: { fleet: Stats } }>(`api/roaming?job=${job.id}`)).after.fleet.roams > 0 ? true : undefined), { timeoutMs: 20_000, intervalMs: 1000, what: "a roam after the job" });
    await page.goto(`${base()}#/clients`);
    await page.waitForSelector("#roam-compare-table");
    expect(await page.$eval("#roam-job", (s) => (s as HTMLSelectElement).value)).toBe(job.id);
    const cells = (sel: string) => page.$$eval(`${sel} tbody tr`, (trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent)));
    const row = (label: string, s: Stats) => [label, String(s.roams), s.medianGapMs === null ? "–" : `${s.medianGapMs} ms`, s.p95GapMs === null ? "–" : `${s.p95GapMs} ms`, String(s.slow), String(s.failed ?? "")];
    const compare = () => getJson<{ before: { fleet: Stats }; after: { fleet: Stats } }>(`api/roaming?job=${job.id}`);
    expect((await compare()).before.fleet.roams).toBeGreaterThanOrEqual(2);
    // Roams keep arriving in the hour after the job: read back until a refresh of the table agrees with the API.
    await expect
      .poll(async () => {
        const cmp = await compare();
        const want = [row("before", cmp.before.fleet), row("after", cmp.after.fleet)];
        const got = await cells("#roam-compare-table");
        return JSON.stringify(got) === JSON.stringify(want) ? "same" : JSON.stringify({ got, want });
      }, { timeout: 15_000, interval: 500 })
      .toBe("same");
    // Fleet-wide and per AP pair: what the API says now (read back until a refresh agrees).
    await expect
      .poll(async () => {
        const q = await getJson<{ fleet: Stats; pairs: (Stats & { from: string; to: string })[]; ft: { ssid: string; inUse: string }[] }>("api/roaming");
        const want = { cards: [String(q.fleet.roams)], pairs: q.pairs.map((p) => [`${p.from} → ${p.to}`, String(p.roams)]), ft: q.ft.map((f) => [f.ssid, f.inUse]) };
        const got = {
          cards: await page.$$eval("#roam-fleet .card b", (bs) => bs.slice(0, 1).map((b) => b.textContent)),
          pairs: (await cells("#roam-pairs")).map((r) => [r[0], r[1]]),
          ft: (await cells("#roam-ft")).map((r) => [r[0], r[3]]),
        };
        return JSON.stringify(got) === JSON.stringify(want) ? "same" : JSON.stringify({ got, want });
      }, { timeout: 15_000, interval: 500 })
      .toBe("same");
    const pairs = await cells("#roam-pairs");
    expect(pairs.map((r) => r[0])).toEqual(expect.arrayContaining(["node-1 → node-2", "node-2 → node-1"]));
    // Every AP of the SSID runs 802.11r after the job.
    expect(await cells("#roam-ft")).toContainEqual(["meshfleet", "4", "4", "yes"]);
    await shoot(page, "clients");
  }, 90_000);

  it("diagnostics panel: pick ping, set its count, run it on node-1; the output arrives line by line, then the result and the audit row naming the token", async () => {
    await page.goto(`${base()}#/node/node-1`);
    await page.waitForSelector("#diag-kind");
    const kinds = await page.$$eval("#diag-kind option", (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(kinds).toEqual(["ping", "ping6", "traceroute", "mpath", "stations", "route", "scan", "iperf3"]);
    await page.selectOption("#diag-kind", "ping");
    expect(await page.$$eval("#diag-args input", (is) => is.map((i) => [(i as HTMLInputElement).name, (i as HTMLInputElement).value]))).toEqual([["target", ""], ["count", "4"], ["size", "56"]]);
    await page.fill("#diag-arg-target", "node-3");
    await page.fill("#diag-arg-count", "6");
    // Record the output box's text each time it changes: streamed output grows line by line.
    await page.evaluate(() => {
      const w = window as unknown as { diagSeen: string[] };
      w.diagSeen = [];
      const out = document.getElementById("diag-output")!;
      new MutationObserver(() => w.diagSeen.push(out.textContent ?? "")).observe(out, { childList: true, characterData: true, subtree: true });
    });
    await page.click("#diag-run");
    await page.waitForFunction(() => document.getElementById("diag-status")?.dataset.result, undefined, { timeout: 30_000 });
    const result = await page.$eval("#diag-status", (e) => (e as HTMLElement).dataset.result);
    expect(result).toBe("done");
    const output = (await page.textContent("#diag-output")) ?? "";
    const lan = /^PING (\S+) /.exec(output)?.[1];
    expect(lan).toBeTruthy();
    expect(output).toMatch(/6 packets transmitted, \d packets received/);
    // The router was given node-3's address (the one node-3 reported), not the name.
    expect(lan).toMatch(/^fd[0-9a-f]{2}:[0-9a-f:]+::1$/);
    expect(await page.textContent("#diag-argv")).toBe(`$ ping -c 6 -s 56 -W 2 ${lan}`);
    // Seen growing: the header alone first, the statistics last (each a separate update).
    const seen = await page.evaluate(() => (window as unknown as { diagSeen: string[] }).diagSeen.filter((t) => t !== ""));
    expect(seen[0]).toBe(`PING ${lan} (${lan}): 56 data bytes\n`);
    expect(seen.length).toBe(output.split("\n").length - 1);
    expect(seen[seen.length - 1]).toBe(output);
    // The audit row: who (the demo token's name), what, the result.
    const { audit } = await getJson<{ audit: { who: string; kind: string; result: string }[] }>("api/diag/audit?node=node-1");
    expect(audit[0]).toMatchObject({ kind: "ping", result: "done" });
    expect(audit[0]!.who).toMatch(/^demo \d{4}-\d\d-\d\dT.* \([A-Za-z0-9_-]+\)$/);
    await page.waitForFunction(() => document.querySelectorAll("#diag-audit tbody tr td").length > 1);
    const row = await page.$$eval("#diag-audit tbody tr:first-child td", (tds) => tds.map((td) => td.textContent));
    expect(row.slice(1, 5)).toEqual([audit[0]!.who, `ping target=node-3 count=6 size=56 address=${lan}`, "done", "0"]);

    // Checked in the form with the API's limits and patterns: each problem beside its field, Run disabled, nothing sent.
    const requests: string[] = [];
    page.on("request", (r) => void (r.method() === "POST" && requests.push(r.url())));
    await page.fill("#diag-arg-target", "8.8.8.8;reboot");
    await page.fill("#diag-arg-count", "500");
    expect(await page.textContent("#diag-err-target")).toBe("a target is an IP address or a fleet node name");
    expect(await page.textContent("#diag-err-count")).toBe("a whole number from 1 to 20");
    expect(await page.textContent("#diag-err-size")).toBe("");
    expect(await page.isDisabled("#diag-run")).toBe(true);
    // The same two values, asked of the API directly, are refused with the same reasons.
    const refusedByApi = await fetch(`${base()}api/diag/node-1`, { method: "POST", headers: { authorization: `Bearer ${demo.token}`, "content-type": "application/json" }, body: JSON.stringify({ args: { kind: "ping", target: "8.8.8.8;reboot", count: 500 } }) });
    expect(refusedByApi.status).toBe(400);
    const reason = ((await refusedByApi.json()) as { message: string }).message;
    expect(reason).toContain("a target is an IP address or a fleet node name");
    expect(reason).toMatch(/count: .*20/);
    await page.fill("#diag-arg-target", "node-3");
    await page.fill("#diag-arg-count", "2");
    expect(await page.textContent("#diag-err-target")).toBe("");
    expect(await page.isDisabled("#diag-run")).toBe(false);
    expect(requests).toEqual([]);
    await page.click("#diag-run");
    await page.waitForFunction(() => document.getElementById("diag-status")?.dataset.result && document.querySelector("#diag-status .pill")?.textContent === "ok");
    await page.evaluate(() => document.getElementById("diag-panel")!.scrollIntoView());
    await shoot(page, "diag-panel");

    // A Wi-Fi scan: iw's text in the output box, and the same networks as tables (per channel, then each network).
    await page.selectOption("#diag-kind", "scan");
    await page.fill("#diag-arg-iface", "mesh0");
    await page.click("#diag-run");
    await page.waitForSelector("#diag-scan-networks table", { timeout: 30_000 });
    const scanText = (await page.textContent("#diag-output")) ?? "";
    const printed = [...scanText.matchAll(/^BSS ([0-9a-f:]{17})\(on mesh0\)/gm)].map((m) => m[1]);
    expect(printed.length).toBeGreaterThan(0);
    const rows = await page.$$eval("#diag-scan-networks tbody tr", (trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent)));
    expect(rows.map((r) => r[1]).sort()).toEqual([...printed].sort());
    // Each row as iw printed it: a mesh point by its mesh id (SAE: wpa3), an AP by its SSID (PSK: wpa2), the signal.
    for (const r of rows) {
      const block = scanText.slice(scanText.indexOf(`BSS ${r[1]}(on mesh0)`)).split(/\nBSS /)[0]!;
      const meshId = /MESH ID: (\S+)/.exec(block)?.[1];
      expect([r[0], r[5]]).toEqual(meshId ? [`${meshId} mesh`, "wpa3"] : [/SSID: (\S+)/.exec(block)![1], "wpa2"]);
      expect(r[4]).toBe(`${Number(/signal: (-?[\d.]+) dBm/.exec(block)![1])} dBm`);
    }
    expect(rows.some((r) => r[0]!.endsWith(" mesh"))).toBe(true);
    const channels = await page.$$eval("#diag-scan-channels tbody tr", (trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent)));
    expect(channels.reduce((n, c) => n + Number(c[2]), 0)).toBe(rows.length);
    await page.evaluate(() => document.getElementById("diag-scan")!.scrollIntoView());
    await shoot(page, "diag-scan");
  }, 60_000);

  it("meshfleet-controller diag (the built bin) prints a ping's output as the node prints it, the argv and result on stderr, and exits with the ping's code", async () => {
    const bin = join(import.meta.dirname, "..", "..", "..", "controller", "bin", "meshfleet-controller.mjs");
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; chunks: string[]; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [bin, "diag", ...args, "--api", base(), "--token", demo.token], { stdio: ["ignore", "pipe", "pipe"] });
        const chunks: string[] = [];
        let stderr = "";
        child.stdout.on("data", (b: Buffer) => chunks.push(b.toString()));
        child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
        child.once("error", reject);
        child.once("close", (code) => resolve({ code, chunks, stderr }));
      });
    const r = await run("node-1", "ping", "node-3", "--count", "5");
    const out = r.chunks.join("");
    const lan3 = /^PING (\S+) /.exec(out)?.[1];
    expect(r.stderr.split("\n")[0]).toBe(`node-1$ ping -c 5 -s 56 -W 2 ${lan3}`);
    // Exit 0 unless every probe was lost (the simulated link loses some on weak hops).
    const received = Number(/(\d+) packets received/.exec(r.chunks.join(""))?.[1]);
    const code = received > 0 ? 0 : 1;
    expect(r.stderr).toMatch(new RegExp(`^node-1: done, exit ${code} in \\d+ ms$`, "m"));
    expect(r.code).toBe(code);
    expect(out).toMatch(/^PING \S+ \(\S+\): 56 data bytes\n/);
    expect(out).toMatch(/5 packets transmitted, \d packets received, \d+% packet loss\n/);
    // Printed as it arrived: the header came in an earlier write than the statistics.
    expect(r.chunks.length).toBeGreaterThanOrEqual(2);
    expect(r.chunks[0]).not.toContain("statistics");
    // The same request as the API's audit recorded it.
    const { audit } = await getJson<{ audit: { kind: string; args: unknown; result: string; exitCode: number }[] }>("api/diag/audit?node=node-1&limit=1");
    expect(audit[0]).toMatchObject({ kind: "ping", args: { kind: "ping", target: "node-3", count: 5, size: 56, address: lan3 }, result: "done", exitCode: code });
    // Refused before it reaches a node: not on the list, or an argument out of bounds (exit 1, the API's reason).
    const bad = await run("node-1", "ping", "node-3", "--count", "500");
    expect([bad.code, bad.chunks.join("")]).toEqual([1, ""]);
    expect(bad.stderr).toContain("HTTP 400");
    expect(bad.stderr).toContain("count");
    const shell = await run("node-1", "shell", "reboot");
    expect(shell.code).toBe(1);
    expect(shell.stderr).toContain("shell is not on the diagnostics list");
  }, 60_000);

  it("no console errors on the pages", () => {
    // The form refuses bad arguments before asking: no request the API refused.
    expect(consoleErrors).toEqual([]);
  });
});
