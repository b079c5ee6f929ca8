import { Command } from "commander";
import { registerParseCommand } from "./parse-command";

/**
 * A minimal entry with only the `parse` command (`node --import tsx parse-main.ts parse
 * auto file`): used by the process-level test; the agent's own CLI registers the same
 * command. Never prints a stack: anything unexpected is one `{code, message}` line.
 */
const program = new Command("meshfleet-agent").exitOverride();
registerParseCommand(program);
program.parseAsync(process.argv).catch((err: unknown) => {
  const code = (err as { exitCode?: unknown }).exitCode;
  if (typeof code === "number") {
    // commander already printed its usage message (e.g. a missing argument)
    process.exitCode = code === 0 ? 0 : 2;
    return;
  }
  process.stderr.write(`${JSON.stringify({ code: "E_INTERNAL", message: err instanceof Error ? err.message : String(err) })}\n`);
  process.exitCode = 1;
});
