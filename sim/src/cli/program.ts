import { Command } from "commander";
import { AGENT_VERSION } from "@meshfleet/agent";
import { registerSimulateCommand } from "./simulate-command";

/** The `meshfleet-sim` command line: simulated OpenWrt meshes for demos, load tests and development. */
export function buildProgram(): Command {
  const program = new Command("meshfleet-sim")
    .description("meshfleet simulator: a simulated OpenWrt mesh whose routers run real meshfleet agents")
    .version(AGENT_VERSION)
    .showHelpAfterError();
  registerSimulateCommand(program);
  return program;
}
