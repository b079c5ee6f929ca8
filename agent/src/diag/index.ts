export { DiagHandler, type DiagHandlerOptions } from "./handler";
export { checkDiagArgs, diagArgv } from "./commands";
