/**
 * The controller's program entry: the built bin runs this (dist/lib), and in development
 * `node --import tsx controller/src/bin.ts <command>`. A failure prints its code and
 * message (never a stack) and exits 1.
 */
import { toWireError } from "@meshfleet/shared";
import { main } from "./main";

try {
  await main(process.argv);
} catch (err) {
  process.stderr.write(`meshfleet-controller: ${JSON.stringify(toWireError(err))}\n`);
  process.exit(1);
}
