import { readFileSync } from "node:fs";
import { connect, nkeyAuthenticator, type ConnectionOptions, type NatsConnection } from "@nats-io/transport-node";
import { ConfigError } from "@meshfleet/shared";

export interface ControllerNatsOptions {
  /** One URL, or every member of a cluster (the client fails over between them). */
  servers: string | readonly string[];
  /** The controller's nkey seed file (`<keys>/_controller.nk`). */
  nkeySeedFile?: string;
  /** TLS: the CA that signed the server's certificate, and an optional client certificate + key. */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

function readSecret(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch (err) {
    throw new ConfigError(`${what}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
}

/** The controller's NATS connection options (pure apart from reading the seed file). */
export function controllerConnectOptions(o: ControllerNatsOptions): ConnectionOptions {
  const tls = o.tls && (o.tls.caFile || o.tls.certFile || o.tls.keyFile) ? o.tls : undefined;
  if (tls && Boolean(tls.certFile) !== Boolean(tls.keyFile)) throw new ConfigError("--tls-cert and --tls-key go together");
  const seed = o.nkeySeedFile ? new TextEncoder().encode(readSecret(o.nkeySeedFile, "--nkey-seed")) : null;
  return {
    servers: typeof o.servers === "string" ? o.servers : [...o.servers],
    name: "meshfleet-controller",
    maxReconnectAttempts: -1,
    ...(seed ? { authenticator: nkeyAuthenticator(seed) } : {}),
    ...(tls ? { tls } : {}),
  };
}

/** Connects the controller to NATS (nkey and TLS when configured); reconnects forever. */
export function connectControllerNats(o: ControllerNatsOptions): Promise<NatsConnection> {
  return connect(controllerConnectOptions(o));
}
