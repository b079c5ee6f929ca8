// Test-only: the `uci` command line emulated over the files in <root>, as a program, so a
// test can point an agent's runner at it (bundled with esbuild: `programs: { uci: [node, bundle.mjs, root] }`)
// and watch a whole job (export, set, commit, revert, import) go through real processes.
// `uci-cli-main.ts <root> <uci args...>`; staged changes wait in <root>/.uci between
// invocations (as uci keeps them in /tmp/.uci); stdin is read for `batch` and `import` only.
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { FileUciBackend } from "../src/file-backend";
import { UciFileRunner } from "../src/uci-cli";

const [root, ...args] = process.argv.slice(2);
if (root === undefined) {
  process.stderr.write("usage: uci-cli-main.ts <root> <uci args...>\n");
  process.exit(2);
}
const needsStdin = args.includes("batch") || args.includes("import");
const stdin = needsStdin ? await text(process.stdin) : undefined;
const res = await new UciFileRunner(new FileUciBackend(root, { saveDir: join(root, ".uci") })).run(["uci", ...args], stdin === undefined ? {} : { stdin });
process.stdout.write(res.stdout);
process.stderr.write(res.stderr);
process.exitCode = res.exitCode ?? 1;
