import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "@meshfleet/testkit";
import { repoRoot } from "../controller-helpers";

/**
 * packaging/systemd/*.service as systemd reads them: `systemd-analyze verify` parses each
 * unit, checks every key and value, that the commands exist and are executable, and the
 * dependencies. It exits 0 on unknown keys and bad values (it only warns), so its whole
 * output must be empty. The controller's install path (/opt/meshfleet/...) is replaced by
 * the repository's bin; nats-server is Debian's /usr/sbin/nats-server. Without
 * systemd-analyze the test is skipped (docs/install.md says how the units were checked).
 */
const ANALYZE = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].find((p) => existsSync(p));
const UNITS = join(repoRoot, "packaging", "systemd");
const INSTALLED_BIN = "/opt/meshfleet/node_modules/.bin/meshfleet-controller";
const work = tempDir("mf-units-");
afterAll(() => work.cleanup());

describe.skipIf(!ANALYZE)("packaging/systemd units (systemd-analyze verify)", () => {
  const units = readdirSync(UNITS).filter((f) => f.endsWith(".service"));

  it("are the controller's and nats-server's", () => {
    expect(units.sort()).toEqual(["meshfleet-controller.service", "meshfleet-nats.service"]);
  });

  it.each(units)("%s verifies without a warning", (unit) => {
    const text = readFileSync(join(UNITS, unit), "utf8").replaceAll(INSTALLED_BIN, join(repoRoot, "controller", "bin", "meshfleet-controller.mjs"));
    const file = join(work.path, unit);
    writeFileSync(file, text);
    const r = spawnSync(ANALYZE!, ["verify", "--man=no", file], { encoding: "utf8", timeout: 60_000 });
    expect(`${r.stdout}${r.stderr}`).toBe("");
    expect(r.status).toBe(0);
  });

  it("notices a bad unit (so an empty output means something)", () => {
    const file = join(work.path, "broken.service");
    writeFileSync(file, "[Service]\nExecStart=/bin/true\nRestart=sometimes\n");
    const r = spawnSync(ANALYZE!, ["verify", "--man=no", file], { encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toContain("Failed to parse service restart specifier, ignoring: sometimes");
  });
});
