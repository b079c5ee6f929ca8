import { Command } from "commander";
import { registerCollectCommand } from "./collect-command";
import { registerParseCommand } from "./parse-command";
import { registerRunCommand } from "./run-command";
import { AGENT_VERSION } from "./version";

/** The `meshfleet-agent` command line. */
export function buildProgram(): Command {
  const program = new Command("meshfleet-agent")
    .description("meshfleet agent: collects what an OpenWrt router's radios and routing daemon see and publishes it over NATS")
    .version(AGENT_VERSION)
    .showHelpAfterError();
  registerRunCommand(program);
  registerCollectCommand(program);
  registerParseCommand(program);
  return program;
}
