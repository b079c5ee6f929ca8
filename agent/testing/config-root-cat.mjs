#!/usr/bin/env node
// Test-only: `cat` with /etc/config/<name> read from <root>/<name> instead, so an agent
// whose runner maps `cat` here reads a test's UCI files (`config-root-cat.mjs <root> <path>`).
// Any other path is read as it is.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [root, path] = process.argv.slice(2);
const file = path.startsWith("/etc/config/") ? join(root, path.slice("/etc/config/".length)) : path;
try {
  process.stdout.write(readFileSync(file));
} catch (e) {
  process.stderr.write(`cat: ${path}: ${e.code === "ENOENT" ? "No such file or directory" : e.message}\n`);
  process.exitCode = 1;
}
