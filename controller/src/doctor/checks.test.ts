import { describe, expect, it } from "vitest";
import { checkDisk, checkNodeVersion, checkSqlite, formatReport, MIN_FREE_BYTES } from "./checks";

describe("doctor checks", () => {
  it("node: 20 and later pass, 18 fails with what to install", () => {
    expect(checkNodeVersion("v20.20.2").status).toBe("ok");
    expect(checkNodeVersion("v22.1.0").status).toBe("ok");
    const old = checkNodeVersion("v18.20.4");
    expect(old).toMatchObject({ status: "fail", detail: "v18.20.4: the controller needs Node 20 or later" });
  });

  it("sqlite: a native module that does not load says to rebuild it", () => {
    const r = checkSqlite(() => ({ ok: false, error: "Could not locate the bindings file." }));
    expect(r.status).toBe("fail");
    expect(r.detail).toBe("better-sqlite3 does not load: Could not locate the bindings file.");
    expect(r.fix).toContain("npm rebuild better-sqlite3");
  });

  it("disk: below the floor fails, above passes, in MiB", () => {
    const mib = (n: number) => () => ({ bavail: n * 256, bsize: 4096 });
    expect(checkDisk("/var/lib/meshfleet/meshfleet.db", mib(100))).toMatchObject({ status: "fail", detail: "100 MiB free in /var/lib/meshfleet (needs 512 MiB)" });
    expect(checkDisk("/var/lib/meshfleet/meshfleet.db", mib(MIN_FREE_BYTES / 1024 ** 2))).toMatchObject({ status: "ok", detail: "512 MiB free in /var/lib/meshfleet" });
  });

  it("the report lists fixes only for what is not ok and ends with a count", () => {
    const text = formatReport([
      { name: "node", status: "ok", detail: "v20.20.2 (>= 20)", fix: "never shown" },
      { name: "stream", status: "fail", detail: "missing", fix: "start serve" },
      { name: "consumer", status: "warn", detail: "not yet", fix: "serve creates it" },
    ]);
    expect(text).toBe(
      ["ok    node       v20.20.2 (>= 20)", "FAIL  stream     missing", "                 fix: start serve", "WARN  consumer   not yet", "                 fix: serve creates it", "1 check(s) failed, 1 warning(s)", ""].join("\n"),
    );
  });
});
