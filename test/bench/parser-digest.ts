import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { PARSE_FORMATS, stripCommentHeader } from "@meshfleet/agent/parsers";
import { bigIwDev, bigMpathDump, bigStationDump, longLineStationDump, mutatedText } from "@meshfleet/agent/testing";

/**
 * A hash of every parser's output over every fixture and the fuzz corpora, to show that a
 * change to a parser's code leaves its results unchanged: run it before and after and
 * compare the lines.
 *
 *   npm run bench -- parser-digest [mutations per corpus, default 3000]
 *
 * Inputs: each file of agent/src/parsers/<folder>/fixtures (as stored and without its `#`
 * header, upper-cased, with blanks mangled), the 10,000-line iw inputs, and for each parser folder and for all fixtures
 * together a repeatable set of mutated fixtures (testkit's mutations, fixed seeds). Every
 * parser reads every input; its digest is a SHA-256 of the outcomes in input order.
 */
const PARSERS = fileURLToPath(new URL("../../agent/src/parsers/", import.meta.url));
const FOLDERS = ["babeld", "bird", "dhcp", "iw", "nft", "ubus"] as const;

function fixtures(folder: string): string[] {
  const dir = `${PARSERS}${folder}/fixtures/`;
  return readdirSync(dir)
    .filter((f) => f !== "README.md" && !f.endsWith(".sh"))
    .sort()
    .map((f) => readFileSync(dir + f, "utf8"));
}

/** JSON with -0, NaN and the infinities spelled out (JSON.stringify would hide them). */
function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v !== "number" || (Number.isFinite(v) && !Object.is(v, -0))) return v;
    return `#number:${Object.is(v, -0) ? "-0" : String(v)}`;
  });
}

function corpus(mutations: number): { name: string; texts: string[] }[] {
  const byFolder = FOLDERS.map((f) => ({ folder: f, texts: fixtures(f) }));
  const stored = byFolder.flatMap((f) => f.texts);
  const out = [
    { name: "fixtures", texts: stored },
    { name: "fixtures without header", texts: stored.map((t) => stripCommentHeader(t).text) },
    { name: "fixtures upper-cased", texts: stored.map((t) => t.toUpperCase()) },
    { name: "fixtures with blanks mangled", texts: stored.map((t) => t.replace(/ /g, " \t").replace(/\t/g, "  \t")) },
    { name: "10,000-line iw inputs", texts: [bigStationDump(), bigMpathDump(), bigIwDev(), longLineStationDump()] },
  ];
  const sample = (seeds: string[], seed: number) => fc.sample(mutatedText(seeds), { seed, numRuns: mutations }).map((m) => m.text);
  byFolder.forEach((f, i) => out.push({ name: `${f.folder} mutated`, texts: sample(f.texts, 20261123 + i) }));
  out.push({ name: "all mutated", texts: sample(stored, 20261206) });
  return out;
}

export default async function main(args: string[]): Promise<void> {
  const mutations = Number(args[0] ?? 3000);
  const inputs = corpus(mutations);
  const total = inputs.reduce((n, c) => n + c.texts.length, 0);
  process.stdout.write(`${total} inputs (${inputs.map((c) => `${c.name} ${c.texts.length}`).join(", ")})\n`);
  const all = createHash("sha256");
  for (const [format, parse] of Object.entries(PARSE_FORMATS)) {
    const h = createHash("sha256");
    let ok = 0;
    for (const c of inputs) {
      for (const text of c.texts) {
        let line: string;
        try {
          const r = parse(text);
          if (r.ok) ok++;
          line = stable(r);
        } catch (err) {
          line = `threw ${String(err)}`;
        }
        h.update(line).update("\n");
      }
    }
    const digest = h.digest("hex");
    all.update(`${format} ${digest}\n`);
    process.stdout.write(`${format.padEnd(22)} ${digest.slice(0, 16)}  ok ${ok}/${total}\n`);
  }
  process.stdout.write(`${"all parsers".padEnd(22)} ${all.digest("hex").slice(0, 16)}\n`);
  await Promise.resolve();
}
