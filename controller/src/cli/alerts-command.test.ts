import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Command } from "commander";
import { tempDir } from "@meshfleet/testkit";
import { silentLogger } from "../log";
import { Registry } from "../metrics/registry";
import { FakeClock, openStore, type Store } from "../store/index";
import { DetectionService } from "../detect/service";
import { createApi } from "../api/app";
import { eventsAlertsRoutes } from "../detect/http-routes";
import { registerAlertsCommand } from "./alerts-command";

const T0 = Date.UTC(2026, 4, 1, 20);

describe("meshfleet-controller alerts (against the in-process API)", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let svc: DetectionService;
  let out = "";
  const clock = new FakeClock(T0);
  const run = async (...argv: string[]) => {
    const app = createApi({ store, clock, log: silentLogger, registry: new Registry(), routes: [eventsAlertsRoutes(svc, () => clock.now())] });
    const program = new Command("meshfleet-controller").exitOverride();
    registerAlertsCommand(program, { fetch: (url, init) => Promise.resolve(app.request(url.replace("http://ctl:8080", ""), init)), write: (t) => void (out += t), user: "carol" });
    await program.parseAsync(["node", "x", "alerts", ...argv, "--api", "http://ctl:8080"]);
  };
  beforeEach(async () => {
    out = "";
    dir = tempDir("mf-cli-alerts-");
    store = openStore({ file: `${dir.path}/c.sqlite`, clock });
    svc = new DetectionService({ store, clock, log: silentLogger });
    await svc.load();
  });
  afterEach(async () => {
    store.close();
    dir.cleanup();
  });

  it("acks, silences for a duration, plans a maintenance window, lists and ends silences", async () => {
    const id = (await svc.alerts.raise({ code: "node_offline", subject: "node:r1", node: "r1", severity: "critical", summary: "r1 offline", evidence: { eventIds: [], scores: [] } }, T0))!.alert.id;
    await run("ack", id);
    expect((await svc.alerts.byId(Number(id)))?.ack).toEqual({ by: "carol", at: T0 });
    await run("silence", "--node", "r2", "--for", "2h", "--reason", "moving it");
    await run("silence", "--code", "link_degraded", "--from", "2026-05-01T22:00:00Z", "--until", "2026-05-01T23:30:00Z", "--reason", "antenna work");
    await run("silences");
    await run("unsilence", "1");
    expect(out).toBe(
      [
        `acknowledged alert ${id} (node_offline node:r1) as carol`,
        "silence 1: node r2 from 2026-05-01T20:00:00Z until 2026-05-01T22:00:00Z",
        "silence 2: code link_degraded from 2026-05-01T22:00:00Z until 2026-05-01T23:30:00Z",
        "2\tmaintenance\tcode link_degraded\t2026-05-01T22:00:00Z - 2026-05-01T23:30:00Z\tcarol: antenna work",
        "1\tsilence\tnode r2\t2026-05-01T20:00:00Z - 2026-05-01T22:00:00Z\tcarol: moving it",
        "silence 1 ended",
        "",
      ].join("\n"),
    );
    await expect(run("silence", "--node", "r2", "--reason", "no end")).rejects.toThrow(/--for/);
    await expect(run("ack", "99")).rejects.toThrow(/HTTP 404/);
  });
});
