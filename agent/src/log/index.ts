export { createLogger, prettyLine, type LoggerOptions } from "./logger";
export { memoryLog, silentLog, type Log } from "./types";
