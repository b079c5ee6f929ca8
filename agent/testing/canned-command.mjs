#!/usr/bin/env node
// A router's commands answered from a file, as a program: `canned-command.mjs
// <answers.json> <argv...>` prints the answer for `argv.join(" ")` (answers.json maps
// that key to stdout, e.g. the CannedRouter's routerOutputs). Used as the agent's
// `prefixed` runner prefix to run the built agent against canned output in another
// process (another Node version). An unknown command fails like an exec wrapper does.
import { readFileSync } from "node:fs";

const [answersFile, ...argv] = process.argv.slice(2);
const answers = JSON.parse(readFileSync(answersFile, "utf8"));
const key = argv.join(" ");
if (Object.hasOwn(answers, key)) {
  process.stdout.write(answers[key]);
} else {
  process.stderr.write(`canned-command: exec of "${argv[0]}" failed: No such file or directory\n`);
  process.exitCode = 127;
}
