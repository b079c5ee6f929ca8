import type { Command } from "commander";
import { ConfigError } from "@meshfleet/shared";
import type { StoreApi } from "../store/index";

/** The store and the token functions, loaded when a token command runs (not for --help). */
const tokens = () => import("../auth/tokens");

async function withStore<T>(db: string, fn: (store: StoreApi) => Promise<T>): Promise<T> {
  const { openAnyStore, systemClock } = await import("../store/index");
  // A running controller commits its held ingest transaction within --durable-every (120 s by default): wait for it.
  const store = await openAnyStore(db, { clock: systemClock, busyTimeoutMs: 150_000 });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * `meshfleet-controller token create --role viewer|operator|admin [--name N] --db FILE`
 * (prints the token once; only its hash is stored), `token list`, `token revoke <id>`.
 */
export function registerTokenCommand(program: Command, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  const token = program.command("token").description("API bearer tokens: viewer reads, operator also runs jobs, admin also manages tokens");
  token
    .command("create")
    .description("create a token and print it once")
    .requiredOption("--db <file>", "the controller's database: a SQLite file or postgres://user@host/db")
    .requiredOption("--role <role>", "viewer | operator | admin")
    .option("--name <name>", "what the token is for", "cli")
    .action(async (o: { db: string; role: string; name: string }) => {
      const { createToken, role } = await tokens();
      const r = role.safeParse(o.role);
      if (!r.success) throw new ConfigError(`--role: expected viewer, operator or admin; got ${JSON.stringify(o.role)}`);
      const t = await withStore(o.db, (s) => createToken(s, { role: r.data, name: o.name }));
      out(`token ${t.id} (${r.data}): ${t.token}`);
      out("Store it now: it is not shown again (only its hash is kept).");
    });
  token
    .command("list")
    .description("list tokens (never their values)")
    .requiredOption("--db <file>", "the controller's database: a SQLite file or postgres://user@host/db")
    .action(async (o: { db: string }) => {
      const { listTokens } = await tokens();
      for (const t of await withStore(o.db, listTokens)) {
        out(`${t.id}  ${t.role.padEnd(8)}  ${t.name}  created ${new Date(t.createdAt).toISOString()}${t.revokedAt ? `  revoked ${new Date(t.revokedAt).toISOString()}` : ""}`);
      }
    });
  token
    .command("revoke <id>")
    .description("revoke a token")
    .requiredOption("--db <file>", "the controller's database: a SQLite file or postgres://user@host/db")
    .action(async (id: string, o: { db: string }) => {
      const { revokeToken } = await tokens();
      if (!(await withStore(o.db, (s) => revokeToken(s, id)))) throw new ConfigError(`no active token ${JSON.stringify(id)}`);
      out(`token ${id} revoked`);
    });
}
