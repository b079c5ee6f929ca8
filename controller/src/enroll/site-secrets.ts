import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { ConfigError } from "@meshfleet/shared";
import type { LeafUser } from "./topology";

const SITE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const file = (dir: string, site: string): string => join(dir, `_site-${site}.secret`);

/**
 * A site leaf node's uplink password, in `<keys>/_site-<site>.secret` (mode 0600), created
 * on first use. The hub's configuration admits every site that has one; deleting the file
 * and regenerating the hub's configuration shuts the site out.
 */
export function siteSecret(dir: string, site: string): { password: string; file: string; created: boolean } {
  if (!SITE.test(site)) throw new ConfigError(`invalid site name ${JSON.stringify(site)} (letters, digits, - or _, 1-32)`);
  const f = file(dir, site);
  if (existsSync(f)) return { password: readFileSync(f, "utf8").trim(), file: f, created: false };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString("base64url");
  writeFileSync(f, `${password}\n`, { mode: 0o600 });
  chmodSync(f, 0o600);
  return { password, file: f, created: true };
}

/** Every site with an uplink password in `dir`, sorted. */
export function siteSecrets(dir: string): LeafUser[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^_site-(.+)\.secret$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined && SITE.test(s))
    .sort()
    .map((site) => ({ site, password: readFileSync(file(dir, site), "utf8").trim() }));
}
