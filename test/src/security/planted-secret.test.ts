import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { Controller, WebhookAlertSink, modules, openStore, secretMaskingPinoOptions, systemClock, type Store } from "@meshfleet/controller";
import { buildHello, buildSnapshot } from "@meshfleet/controller/testing";
import { PROTOCOL_VERSION, subjects, type Alert } from "@meshfleet/shared";

/** One distinct planted value per secret option, so a leak names the option it came from. */
const PLANTED: Record<string, string> = {
  key: "PLANTkey0x",
  key1: "PLANTkey1x",
  key4: "PLANTkey4x",
  sae_password: "PLANTsaex",
  password: "PLANTpassx",
  auth_secret: "PLANTauthx",
  acct_secret: "PLANTacctx",
  dae_secret: "PLANTdaex",
  priv_key_pwd: "PLANTprivx",
  private_key: "PLANTwgprivx",
  preshared_key: "PLANTwgpskx",
  psk: "PLANTpskx",
};
const leaks = (text: string): string[] => Object.entries(PLANTED).filter(([, v]) => text.includes(v)).map(([k]) => k);

/**
 * Secrets planted in a raw UCI job, in a node's failure report and in an alert, then
 * every API answer (every GET route of the OpenAPI document), every log line and the
 * webhook body searched for them.
 */
describe("a planted secret leaves through no API answer, log line or webhook", () => {
  let srv: RunningNatsServer;
  let nc: NatsConnection;
  let store: Store;
  let controller: Controller;
  const lines: string[] = [];
  const dir = tempDir("mf-planted-");
  const node = "node-1";

  beforeAll(async () => {
    srv = await startNatsServer();
    nc = await connect({ servers: srv.url });
    store = openStore({ file: `${dir.path}/c.sqlite`, clock: systemClock });
    const log = pino({ level: "debug", ...secretMaskingPinoOptions }, { write: (l: string) => lines.push(l) });
    controller = new Controller({ nc, store, clock: systemClock, log, modules: modules({}, { keysDir: `${dir.path}/keys` }) });
    await controller.start();
    const js = jetstream(nc);
    const now = Date.now();
    await js.publish(subjects.hello(node), JSON.stringify({ ...buildHello({ node, ts: now }), capabilities: ["stations", "uci-jobs"] }));
    await js.publish(subjects.telemetry(node), JSON.stringify(buildSnapshot({ node, seq: 1, ts: now })));
    await waitFor(async () => (await controller.api.request(`/api/nodes/${node}`)).status === 200, { timeoutMs: 10_000, what: "node-1 known" });
  });
  afterAll(async () => {
    await controller?.stop();
    await nc?.close();
    store?.close();
    await srv?.dispose();
    dir.cleanup();
  });

  it("walks every API answer and log line", async () => {
    const set = (config: string, section: string, option: string) => ({ op: "set", config, section, option, value: PLANTED[option] });
    const ops = [
      ...["key", "key1", "key4", "sae_password", "password", "auth_secret", "acct_secret", "dae_secret", "priv_key_pwd"].map((o) => set("wireless", "default_radio0", o)),
      set("network", "wg0", "private_key"),
      set("network", "wg0_peer", "preshared_key"),
      set("network", "ipsec", "psk"),
    ];
    const job = { template: "raw", target: node, params: { ops, reloads: ["network"] }, rollout: { canary: 1, batchSize: 1 } };
    const jobs = nc.subscribe(subjects.job(node), { max: 1 });
    const dry = await controller.api.request("/api/jobs?dryRun=1", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(job) });
    expect(dry.status, await dry.clone().text()).toBe(200);
    const dryText = await dry.text();
    expect(dryText).toContain("********");
    expect(leaks(dryText)).toEqual([]);
    const created = await controller.api.request("/api/jobs", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(job) });
    expect(created.status).toBe(201);
    const jobId = ((await created.json()) as { id: string }).id;
    // the node (only it) receives the real values
    for await (const m of jobs) expect(leaks(m.string()).sort()).toEqual(Object.keys(PLANTED).sort());

    // the node reports a failure quoting the command lines, as a uci error might
    const reason = `apply failed: uci batch: set wireless.default_radio0.key1='${PLANTED.key1}'; set network.wg0.private_key=${PLANTED.private_key} (option dae_secret '${PLANTED.dae_secret}')`;
    await jetstream(nc).publish(subjects.jobStatus(node), JSON.stringify({ type: "jobStatus", v: PROTOCOL_VERSION, jobId, node, boot: "boot-0001", ts: Date.now(), state: "failed", reason, step: null }));
    await waitFor(async () => ((await (await controller.api.request(`/api/jobs/${jobId}`)).json()) as { nodes: { state: string }[] }).nodes[0]?.state === "failed", { timeoutMs: 10_000, what: "the failure stored" });

    type Op = { responses?: Record<string, { content?: Record<string, unknown> }> };
    const spec = (await (await controller.api.request("/api/openapi.json")).json()) as { paths: Record<string, Record<string, Op>> };
    // every GET that answers a document; event streams (the dashboard's /api/live) never end, so they are not walked
    const isStream = (op: Op | undefined) => Object.keys(op?.responses?.["200"]?.content ?? {}).every((t) => t === "text/event-stream") && op?.responses?.["200"]?.content !== undefined;
    const gets = Object.entries(spec.paths).filter(([, ops]) => "get" in ops && !isStream(ops.get)).map(([p]) => p);
    expect(gets.length).toBeGreaterThan(15);
    const answers: string[] = [];
    for (const p of gets) {
      const path = p.replace("{id}", p.startsWith("/api/jobs") ? jobId : node).replace(/\{[^}]+\}/g, node);
      for (const q of ["", `?node=${node}`]) {
        const r = await controller.api.request(`${path}${q}`);
        answers.push(`${r.status} ${path}${q} ${await r.text()}`);
      }
    }
    const detail = answers.find((a) => a.startsWith(`200 /api/jobs/${jobId} `));
    expect(detail).toContain("apply failed: uci batch: set wireless.default_radio0.key1=********");
    expect(answers.flatMap((a) => leaks(a).map((k) => `${k} in ${a.slice(0, 80)}`))).toEqual([]);

    // log lines: there are some about this job, none with a planted value
    expect(lines.some((l) => l.includes(jobId))).toBe(true);
    expect(lines.flatMap((l) => leaks(l).map((k) => `${k} in ${l.slice(0, 120)}`))).toEqual([]);
  });

  it("masks a secret quoted in an alert before the webhook sends it", async () => {
    const bodies: string[] = [];
    const hook: Server = createServer((req, res) => {
      let b = "";
      req.on("data", (c: Buffer) => (b += c.toString()));
      req.on("end", () => {
        bodies.push(b);
        res.end("ok");
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    try {
      const sink = new WebhookAlertSink({ url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook` });
      const alert = { type: "alert", v: PROTOCOL_VERSION, id: "a1", code: "lint", subject: `node:${node}`, node, severity: "critical", state: "open", openedAt: 1, resolvedAt: null, summary: `config lint: wireless.default_radio0.key1=${PLANTED.key1} is WEP`, evidence: { eventIds: [] } } as unknown as Alert;
      await sink.deliver(alert);
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toContain("wireless.default_radio0.key1=********");
      expect(leaks(bodies[0]!)).toEqual([]);
    } finally {
      hook.close();
    }
  });
});
