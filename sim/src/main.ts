import { ConfigError, toWireError } from "@meshfleet/shared";
import { buildProgram } from "./cli/program";

/** The simulator's entry point: a bad flag exits 2 naming it; any other failure exits 1 with a code and message. */
export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (err) {
    const w = toWireError(err);
    process.stderr.write(`meshfleet-sim: ${w.message} [${w.code}]\n`);
    process.exitCode = err instanceof ConfigError ? 2 : 1;
  }
}
