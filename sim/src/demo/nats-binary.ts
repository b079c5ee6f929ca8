import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { ConfigError } from "@meshfleet/shared";

const CANDIDATES = ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"];

function find(): string | null {
  if (process.env.NATS_SERVER_BIN && existsSync(process.env.NATS_SERVER_BIN)) return process.env.NATS_SERVER_BIN;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/**
 * The path of Debian's `nats-server`. When it is missing: as root, installs the package
 * with apt (argv, no shell); otherwise fails with the command to run.
 */
export function ensureNatsServer(log: (line: string) => void): string {
  const found = find();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new ConfigError("nats-server is not installed. Install it with:  sudo apt-get install -y nats-server   (or pass --nats nats://host:4222 to use a running broker)");
  }
  log("nats-server is missing; installing Debian's nats-server package (apt-get install -y nats-server) ...");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  let r = spawnSync("apt-get", ["install", "-y", "-q", "nats-server"], { stdio: "inherit", env });
  if (r.status !== 0) {
    spawnSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
    r = spawnSync("apt-get", ["install", "-y", "-q", "nats-server"], { stdio: "inherit", env });
  }
  const after = find();
  if (r.status !== 0 || !after) throw new ConfigError("could not install nats-server with apt-get; install it by hand (apt-get install -y nats-server) or pass --nats URL");
  return after;
}
