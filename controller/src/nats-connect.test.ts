import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "@nats-io/transport-node";
import { startNatsServer, tempDir, type RunningNatsServer } from "@meshfleet/testkit";
import { connectControllerNats, controllerConnectOptions } from "./nats-connect";

function openssl(args: string[]): void {
  const r = spawnSync("openssl", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA. */
function makePki(dir: string): void {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(["req", "-x509", ...ec, "-days", "1", "-subj", "/CN=meshfleet test CA", "-keyout", join(dir, "ca.key"), "-out", join(dir, "ca.pem")]);
  for (const [name, cn, ext] of [["server", "127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost"], ["client", "meshfleet-controller", "extendedKeyUsage=clientAuth"]] as const) {
    openssl(["req", ...ec, "-subj", `/CN=${cn}`, "-keyout", join(dir, `${name}.key`), "-out", join(dir, `${name}.csr`)]);
    writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
    openssl(["x509", "-req", "-in", join(dir, `${name}.csr`), "-CA", join(dir, "ca.pem"), "-CAkey", join(dir, "ca.key"), "-CAcreateserial", "-days", "1", "-extfile", join(dir, `${name}.ext`), "-out", join(dir, `${name}.pem`)]);
  }
}

describe("controller NATS connection over TLS (real nats-server verifying client certificates)", () => {
  const dir = tempDir("mf-ctl-tls-");
  let srv: RunningNatsServer;
  beforeAll(async () => {
    makePki(dir.path);
    const f = (n: string) => join(dir.path, n);
    srv = await startNatsServer({ config: `tls { cert_file: "${f("server.pem")}", key_file: "${f("server.key")}", ca_file: "${f("ca.pem")}", verify: true }` });
  }, 30_000);
  afterAll(async () => {
    await srv?.dispose();
    dir.cleanup();
  });

  it("connects with the CA and a client certificate, and round-trips a request", async () => {
    const f = (n: string) => join(dir.path, n);
    const nc = await connectControllerNats({ servers: srv.url, tls: { caFile: f("ca.pem"), certFile: f("client.pem"), keyFile: f("client.key") } });
    try {
      nc.subscribe("t.echo", { callback: (_e, m) => void m.respond(m.data) });
      const r = await nc.request("t.echo", "over tls", { timeout: 2000 });
      expect(r.string()).toBe("over tls");
      expect(nc.info?.tls_required).toBe(true);
    } finally {
      await nc.close();
    }
  });

  it("is refused without a client certificate, and without the CA", async () => {
    const f = (n: string) => join(dir.path, n);
    const noCert = { ...controllerConnectOptions({ servers: srv.url, tls: { caFile: f("ca.pem") } }), maxReconnectAttempts: 0, reconnect: false };
    await expect(connect(noCert)).rejects.toThrow(/ECONNRESET|certificate|handshake/i);
    const noCa = { ...controllerConnectOptions({ servers: srv.url, tls: { certFile: f("client.pem"), keyFile: f("client.key") } }), maxReconnectAttempts: 0, reconnect: false };
    await expect(connect(noCa)).rejects.toThrow(/certificate/i);
  });

  it("names the problem in the options: a certificate without its key, an unreadable seed file", () => {
    expect(() => controllerConnectOptions({ servers: srv.url, tls: { certFile: "/x.pem" } })).toThrow(/--tls-cert and --tls-key go together/);
    expect(() => controllerConnectOptions({ servers: srv.url, nkeySeedFile: join(dir.path, "missing.nk") })).toThrow(/--nkey-seed: cannot read .*missing\.nk: ENOENT/);
    expect(controllerConnectOptions({ servers: srv.url, tls: {} }).tls).toBeUndefined();
  });
});
