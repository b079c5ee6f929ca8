import type { LoggerOptions } from "pino";
import { maskSecretFields, maskSecretText } from "@meshfleet/shared";
/**
 * The logger every controller part receives (pino's call shape: fields first, then the
 * message). `main.ts` builds a pino logger; tests pass `silentLogger` or a recorder.
 */
export interface Logger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

const noop = () => {};
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** Keeps every entry in memory (tests). */
export class RecordingLogger implements Logger {
  readonly entries: { level: string; obj: Record<string, unknown>; msg: string | undefined }[] = [];
  debug(obj: Record<string, unknown>, msg?: string): void {
    this.entries.push({ level: "debug", obj, msg });
  }
  info(obj: Record<string, unknown>, msg?: string): void {
    this.entries.push({ level: "info", obj, msg });
  }
  warn(obj: Record<string, unknown>, msg?: string): void {
    this.entries.push({ level: "warn", obj, msg });
  }
  error(obj: Record<string, unknown>, msg?: string): void {
    this.entries.push({ level: "error", obj, msg });
  }
}

/**
 * pino options that mask secrets in every line: fields named like a secret (`key1`,
 * `sae_password`, `private_key`, … — `isSecretName`) and secret values inside text
 * (`wireless.ap.key1=…`, `option key '…'`), in the fields and in the message.
 */
export const secretMaskingPinoOptions: Pick<LoggerOptions, "formatters" | "hooks"> = {
  formatters: { log: (obj) => maskSecretFields(obj) },
  hooks: {
    logMethod(args, method) {
      const masked = args.map((a: unknown) => (typeof a === "string" ? maskSecretText(a) : a)) as Parameters<typeof method>;
      method.apply(this, masked);
    },
  },
};
