import { ConfigError, toWireError } from "@meshfleet/shared";
import { buildProgram } from "./cli/program";

/**
 * The agent's entry point (bin and bundle). A bad configuration exits 2 with a message
 * naming the field; any other failure exits 1 with a code and message (never a stack).
 */
export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (err) {
    const w = toWireError(err);
    process.stderr.write(`meshfleet-agent: ${w.message} [${w.code}]\n`);
    process.exitCode = err instanceof ConfigError ? 2 : 1;
  }
}
