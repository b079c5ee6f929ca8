import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CannedRouter } from "../../testing/canned-router";
import { parseBirdProtocols, parseBirdRoutes } from "../parsers/bird/index";
import { LocalRunner } from "../runner/local";
import { BirdSocketRunner, queryBirdSocket } from "./bird-socket";

const CONF = `router id 10.9.9.9;
protocol device {}
protocol static s6 { ipv6; route 2001:db8:1::/48 unreachable; route 2001:db8:2::/48 blackhole; }
protocol static s4 { ipv4; route 10.1.0.0/16 unreachable; }
`;

describe("BIRD control socket (real bird 2)", () => {
  let dir = "";
  let sock = "";
  let bird: ChildProcess | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mf-birdsock-"));
    sock = join(dir, "bird.ctl");
    writeFileSync(join(dir, "bird.conf"), CONF);
    bird = spawn("bird", ["-f", "-c", join(dir, "bird.conf"), "-s", sock, "-P", join(dir, "pid")], { stdio: "ignore" });
    for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
    // the static routes are in the table once birdc lists them
    for (let i = 0; i < 50; i++) {
      if (spawnSync("birdc", ["-s", sock, "show", "route"], { encoding: "utf8" }).stdout.includes("2001:db8:2::/48")) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(() => {
    bird?.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  const birdc = (...words: string[]) => spawnSync("birdc", ["-s", sock, ...words], { encoding: "utf8" });

  it("answers what birdc -v prints, and the parsers read the same values as from birdc", async () => {
    const runner = new BirdSocketRunner(new LocalRunner(), sock);
    const routes = await runner.run(["birdc", "show", "route"]);
    expect(routes.exitCode).toBe(0);
    expect(routes.stdout).toBe(birdc("-v", "show", "route").stdout.replace(/^0001 BIRD [^\n]*\n/, ""));
    const fromSocket = parseBirdRoutes(routes.stdout);
    expect(fromSocket).toEqual(parseBirdRoutes(birdc("show", "route").stdout));
    expect(fromSocket.ok && fromSocket.value.routes.map((r) => r.prefix).sort()).toEqual(["10.1.0.0/16", "2001:db8:1::/48", "2001:db8:2::/48"]);
    const all = await runner.run(["birdc", "show", "route", "all"]);
    expect(parseBirdRoutes(all.stdout)).toEqual(parseBirdRoutes(birdc("show", "route", "all").stdout));
    const protocols = parseBirdProtocols((await runner.run(["birdc", "show", "protocols"])).stdout);
    expect(protocols).toEqual(parseBirdProtocols(birdc("show", "protocols").stdout));
    expect(protocols.ok && protocols.value.protocols.map((p) => p.name).sort()).toEqual(["device1", "s4", "s6"]);
  });

  it("an error reply exits 1 like birdc, with the coded message", async () => {
    const r = await new BirdSocketRunner(new LocalRunner(), sock).run(["birdc", "show", "rip", "neighbors"]);
    expect(r).toEqual({ stdout: "9001 There is no RIP protocol running\n", stderr: "", exitCode: 1 });
    expect(birdc("show", "rip", "neighbors").status).toBe(1);
  });

  it("other commands, options, and a missing socket go to the wrapped runner", async () => {
    const canned = new CannedRouter();
    const viaMissing = new BirdSocketRunner(canned, join(dir, "nope.ctl"));
    const r = await viaMissing.run(["birdc", "show", "protocols"]);
    expect(r.stdout).toContain("rip1");
    await viaMissing.run(["iw", "dev"]);
    await new BirdSocketRunner(canned, sock).run(["birdc", "-s", "/x", "show", "protocols"]).catch(() => null);
    expect(canned.calls).toEqual(["birdc show protocols", "iw dev", "birdc -s /x show protocols"]);
  });

  it("a socket that never answers times out with E_COMMAND_TIMEOUT", async () => {
    const { createServer } = await import("node:net");
    const silent = join(dir, "silent.ctl");
    const srv = createServer(() => {});
    await new Promise<void>((r) => srv.listen(silent, r));
    try {
      await expect(queryBirdSocket(silent, "show route", 200)).rejects.toMatchObject({ code: "E_COMMAND_TIMEOUT" });
    } finally {
      srv.close();
    }
  });
});
