import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { mutatedInputs } from "@meshfleet/testkit";
import { runParse } from "./parse-command";

const nftDir = fileURLToPath(new URL("../parsers/nft/fixtures/", import.meta.url));
const ubusDir = fileURLToPath(new URL("../parsers/ubus/fixtures/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "mf-parse-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<string | Uint8Array> {
  for (const p of parts) yield p;
}

async function run(format: string, opts: { file?: string; stdin?: (string | Uint8Array)[] } = {}): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runParse({ format, file: opts.file, stdin: chunks(...(opts.stdin ?? [])), stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe("runParse (in process)", () => {
  it("parses a named format from a file: pretty JSON with format and skipped, exit 0", async () => {
    const r = await run("nft", { file: nftDir + "fw4-json-ripng-accept.json.txt" });
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toContain('\n  "format": "nft",\n');
    const v = JSON.parse(r.out) as { format: string; skipped: number; counters: { comment: string | null; summary?: string | null }[] };
    expect(v.format).toBe("nft");
    expect(v.skipped).toBe(0);
    expect(v.counters).toHaveLength(18);
    expect(v.counters.find((c) => c.comment === "!fw4: Allow-RIPng")?.summary).toBe('udp dport 521 ip6 saddr fe80::/10 counter name "rip_in" accept');
  });

  it("auto-detects from stdin, split across chunks, and says which format it chose", async () => {
    const text = "table inet fw4 {\n\tchain input_wan {\n\t\tudp dport 6696 counter packets 3 bytes 264 accept comment \"!fw4: Allow-Babel\"\n\t}\n}\n";
    const r = await run("auto", { stdin: [text.slice(0, 20), new TextEncoder().encode(text.slice(20))] });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      format: "nft",
      skipped: 0,
      counters: [{ kind: "rule", family: "inet", table: "fw4", chain: "input_wan", name: null, comment: "!fw4: Allow-Babel", handle: null, packets: 3, bytes: 264, summary: "udp dport 6696 accept" }],
    });
  });

  it("drops a '# ---' provenance header and counts error lines from the top of the file", async () => {
    const file = join(tmp, "board-with-header.txt");
    writeFileSync(file, '# source: test\n# ---\n{\n\t"board_name": "x",\n\t"model": "y",\n}\n');
    const bad = await run("ubus-board", { file });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.err)).toEqual({ code: "E_PARSE_FORMAT", message: "not JSON: PropertyNameExpected", line: 6 });
    writeFileSync(file, '# source: test\n# ---\n{\n\t"board_name": "x",\n\t"model": "y"\n}\n');
    const good = await run("auto", { file });
    expect(good.code).toBe(0);
    expect(JSON.parse(good.out)).toMatchObject({ format: "ubus-board", skipped: 0, boardName: "x", model: "y", release: null });
  });

  it("never prints Wi-Fi keys", async () => {
    const r = await run("auto", { file: ubusDir + "network-wireless-status-23.05-ap-80211r-mesh-5g.json.txt" });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ format: "ubus-wireless", skipped: 0 });
    expect(r.out).not.toContain("correct horse");
    expect(r.out).toContain('"key": "(redacted)"');
  });

  it("exit 1 with {code, message, line} when the input is not that format", async () => {
    const r = await run("ubus-board", { stdin: ["Station 02:00:00:00:00:01 (on wlan0)\n"] });
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(JSON.parse(r.err)).toEqual({ code: "E_PARSE_FORMAT", message: "not JSON: InvalidSymbol", line: 1 });
    const auto = await run("auto", { stdin: ["just some words\n"] });
    expect(auto.code).toBe(1);
    expect(JSON.parse(auto.err)).toMatchObject({ code: "E_PARSE_FORMAT", line: null });
    const broken = await run("auto", { stdin: ['{"nftables": [{"rule": '] });
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.err)).toMatchObject({ code: "E_PARSE_INVALID", format: "nft" });
  });

  it("exit 2 with {code, message} for an unknown format or an unreadable file", async () => {
    const unknown = await run("iptables", { stdin: ["x"] });
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.err)).toMatchObject({ code: "E_CONFIG" });
    expect((JSON.parse(unknown.err) as { message: string }).message).toContain("station-dump");
    const missing = await run("nft", { file: join(tmp, "does-not-exist.txt") });
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.err)).toEqual({ code: "E_NOT_FOUND", message: `cannot read ${join(tmp, "does-not-exist.txt")}: ENOENT` });
    const dir = await run("nft", { file: tmp });
    expect(dir.code).toBe(2);
    expect(JSON.parse(dir.err)).toMatchObject({ code: "E_CONFIG" });
  });
});

describe("runParse auto on mutated inputs", () => {
  it("answers 0 with JSON on stdout or 1 with one {code, message, line} line on stderr", async () => {
    const seeds = [nftDir, ubusDir].flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".txt")).map((f) => readFileSync(d + f, "utf8")));
    const codes = new Set<number>();
    for (const { text, how } of mutatedInputs(seeds, 400, 9)) {
      const r = await run("auto", { stdin: [text] });
      codes.add(r.code);
      if (r.code === 0) expect((JSON.parse(r.out) as { format: string }).format, how).toBeTypeOf("string");
      else {
        expect(r.code, how).toBe(1);
        expect(Object.keys(JSON.parse(r.err) as object).slice(0, 3), how).toEqual(["code", "message", "line"]);
      }
    }
    expect([...codes].sort()).toEqual([0, 1]);
  });
});

describe("parse as a real process (node --import tsx parse-main.ts)", () => {
  const main = fileURLToPath(new URL("./parse-main.ts", import.meta.url));
  const exec = (args: string[], input?: string | Buffer) => spawnSync(process.execPath, ["--import", "tsx", main, "parse", ...args], { input, encoding: "utf8", timeout: 60_000 });
  const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at |Error:|node:internal/);

  it("exits 0, 1 and 2 with JSON and never a stack trace", () => {
    const ok = exec(["auto", nftDir + "fw4-text-handles-ripng-accept.txt"]);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ format: "nft", skipped: 0 });

    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    for (const format of ["auto", "ubus-wireless"]) {
      const bad = exec([format], garbage);
      expect(bad.status, `${format} on garbage`).toBe(1);
      noStack(bad.stderr);
      expect(Object.keys(JSON.parse(bad.stderr) as object).slice(0, 3)).toEqual(["code", "message", "line"]);
    }

    const unknown = exec(["no-such-format", nftDir + "fw4-text-ripng-accept.txt"]);
    expect(unknown.status).toBe(2);
    noStack(unknown.stderr);
    expect(JSON.parse(unknown.stderr)).toMatchObject({ code: "E_CONFIG" });

    const missing = exec(["nft", join(tmp, "nope.txt")]);
    expect(missing.status).toBe(2);
    noStack(missing.stderr);
    expect(JSON.parse(missing.stderr)).toMatchObject({ code: "E_NOT_FOUND" });
  });
});
