import { afterAll, afterEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { startNatsServer, waitFor } from "@meshfleet/testkit";
import { TELEMETRY_STREAM, TELEMETRY_STREAM_SUBJECTS, subjects } from "@meshfleet/shared";
import { memoryLog } from "../log/types";
import { NatsPublisher } from "./nats";

const dir = mkdtempSync(join(tmpdir(), "mf-nats-auth-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function openssl(args: string[]): void {
  const r = spawnSync("openssl", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
}

describe("NatsPublisher authentication and TLS against a real nats-server", () => {
  it("connects with user and password, and never logs the password when it is wrong", async () => {
    const srv = await startNatsServer({ config: 'authorization { user: "r1", password: "s3cret-Pa55" }' });
    cleanups.push(() => srv.dispose());
    const good = new NatsPublisher({ servers: [srv.url], user: "r1", password: "s3cret-Pa55", reconnectWaitMs: 100 });
    cleanups.push(() => good.close());
    await waitFor(() => good.connected, { what: "an authenticated connection" });

    const log = memoryLog();
    const bad = new NatsPublisher({ servers: [srv.url], user: "r1", password: "wrong-Pa55", reconnectWaitMs: 100, log });
    cleanups.push(() => bad.close());
    await waitFor(() => log.entries.some((e) => e.obj.event === "connect_failed"), { what: "the refused connection to be logged" });
    expect(bad.connected).toBe(false);
    const text = JSON.stringify(log.entries);
    expect(text).not.toContain("wrong-Pa55");
    expect(text).toMatch(/Authorization|authentication|auth/i);
  });

  it("connects over TLS with a CA file and publishes with an ack", async () => {
    openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=meshfleet test CA", "-keyout", join(dir, "ca.key"), "-out", join(dir, "ca.pem")]);
    openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", join(dir, "server.key"), "-out", join(dir, "server.csr")]);
    writeFileSync(join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl(["x509", "-req", "-in", join(dir, "server.csr"), "-CA", join(dir, "ca.pem"), "-CAkey", join(dir, "ca.key"), "-CAcreateserial", "-days", "1", "-extfile", join(dir, "ext.cnf"), "-out", join(dir, "server.pem")]);
    const srv = await startNatsServer({ config: `tls { cert_file: "${join(dir, "server.pem")}", key_file: "${join(dir, "server.key")}" }` });
    cleanups.push(() => srv.dispose());
    const admin = await connect({ servers: srv.url, tls: { caFile: join(dir, "ca.pem") } });
    cleanups.push(() => admin.close());
    await (await jetstreamManager(admin)).streams.add({ name: TELEMETRY_STREAM, subjects: [...TELEMETRY_STREAM_SUBJECTS] });

    const p = new NatsPublisher({ servers: [srv.url], tls: { caFile: join(dir, "ca.pem") }, reconnectWaitMs: 100 });
    cleanups.push(() => p.close());
    await waitFor(() => p.connected, { what: "a TLS connection" });
    await p.publish(subjects.telemetry("r1"), new TextEncoder().encode('{"tls":true}'), { msgId: "r1:tls:1" });
    const stored = await (await jetstreamManager(admin)).streams.getMessage(TELEMETRY_STREAM, { seq: 1 });
    expect(stored?.json()).toEqual({ tls: true });

    // Without the CA the server's certificate is not trusted: the attempt fails (logged), no connection.
    const log = memoryLog();
    const untrusted = new NatsPublisher({ servers: [srv.url], reconnectWaitMs: 100, log });
    cleanups.push(() => untrusted.close());
    const failed = await waitFor(() => log.entries.find((e) => e.obj.event === "connect_failed"), { what: "the untrusted connection attempt to fail" });
    expect(JSON.stringify(failed.obj)).toMatch(/certificate|self.signed|CERT/i);
    expect(untrusted.connected).toBe(false);
  });
});
