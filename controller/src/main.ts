import { createProgram } from "./cli/program";

/**
 * The command line. Each command loads its own modules when it runs (the store, NATS,
 * hono, drizzle only for the commands that use them), so that `--help`, `--version` and
 * the small commands start fast: the build splits what is imported with `import()` into
 * chunks of their own.
 */
export async function main(argv: string[]): Promise<void> {
  await createProgram({ serve: async (o) => (await import("./serve")).runServe(o) }).parseAsync(argv);
}
