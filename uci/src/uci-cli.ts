import { CommandError, ERROR_CODES, uciOp, type UciOp } from "@meshfleet/shared";
import type { CommandResult, CommandRunner, RunOptions } from "@meshfleet/shared";
import type { FileUciBackend } from "./file-backend";
import { tokenizeUciLine } from "./format";
import { findSection } from "./ops";

/**
 * An emulation of the `uci` command line over a FileUciBackend: the subset meshfleet
 * runs (`set`, `delete`, `add_list`, `del_list`, `commit`, `revert`, `export`, `import`,
 * `batch`, `get`, `-q`). There is no `uci` binary on the machines that run the tests, so
 * the CommandUciBackend is tested against this, and the simulated mesh answers a node's
 * `uci` argv with it. Output and exit codes follow `uci` (`uci: Entry not found`, 1).
 */

const ok = (stdout = ""): CommandResult => ({ stdout, stderr: "", exitCode: 0 });
const fail = (msg: string): CommandResult => ({ stdout: "", stderr: `uci: ${msg}\n`, exitCode: 1 });

/** Turns `cmd path[=value]` into an operation; a string error when uci would refuse it. */
export function uciArgToOp(cmd: string, arg: string): UciOp | string {
  const eq = arg.indexOf("=");
  const left = eq < 0 ? arg : arg.slice(0, eq);
  const value = eq < 0 ? undefined : arg.slice(eq + 1);
  const [config, section, option, ...more] = left.split(".");
  if (more.length > 0 || config === undefined || section === undefined) return "Invalid argument";
  let raw: unknown;
  if (cmd === "set") {
    if (value === undefined) return "Invalid argument";
    raw = option === undefined ? { op: "section", config, section, type: value } : { op: "set", config, section, option, value };
  } else if (cmd === "delete") raw = { op: "delete", config, section, option };
  else if (cmd === "add_list" || cmd === "del_list") raw = { op: cmd, config, section, option, value };
  else return "Invalid argument";
  const parsed = uciOp.safeParse(raw);
  return parsed.success ? parsed.data : "Invalid argument";
}

async function runOne(backend: FileUciBackend, cmd: string, args: string[], stdin: string | undefined): Promise<CommandResult> {
  try {
    switch (cmd) {
      case "set":
      case "delete":
      case "add_list":
      case "del_list": {
        if (args.length !== 1) return fail("Invalid argument");
        const op = uciArgToOp(cmd, args[0]!);
        if (typeof op === "string") return fail(op);
        await backend.apply([op]);
        return ok();
      }
      case "commit":
      case "revert":
        if (args.length !== 1) return fail("Invalid argument");
        await (cmd === "commit" ? backend.commit(args) : backend.revert(args));
        return ok();
      case "export": {
        const text = args.length === 1 ? await backend.exportText(args[0]!) : null;
        return text === null ? fail("Entry not found") : ok(text);
      }
      case "import":
        if (args.length !== 1) return fail("Invalid argument");
        await backend.importText(args[0]!, stdin ?? "");
        return ok();
      case "get": {
        const [config, section, option] = (args[0] ?? "").split(".");
        const pkg = config === undefined ? null : await backend.load(config);
        const s = pkg === null || section === undefined ? undefined : findSection(pkg, section);
        if (s === undefined) return fail("Entry not found");
        if (option === undefined) return ok(`${s.type}\n`);
        const it = s.items.find((i) => i.kind !== "comment" && i.name === option);
        if (it === undefined || it.kind === "comment") return fail("Entry not found");
        return ok(`${it.kind === "option" ? it.value : it.values.join(" ")}\n`);
      }
      case "batch": {
        const lines = (stdin ?? "").split("\n");
        for (const [i, line] of lines.entries()) {
          for (const st of tokenizeUciLine(line, i + 1)) {
            const [c, ...rest] = st;
            if (c === undefined) continue;
            const res = await runOne(backend, c, rest, undefined);
            if (res.exitCode !== 0) return res;
          }
        }
        return ok();
      }
      default:
        return fail(`unknown command ${JSON.stringify(cmd)}`);
    }
  } catch (e) {
    const msg = e instanceof Error ? e.message.replace(/^uci: /, "") : String(e);
    return fail(msg);
  }
}

/** Runs one `uci` argv (argv[0] === "uci") against the backend. */
export async function runUciCli(backend: FileUciBackend, argv: readonly string[], stdin?: string): Promise<CommandResult> {
  let args = argv.slice(1);
  let quiet = false;
  while (args[0]?.startsWith("-") === true) {
    if (args[0] === "-q") quiet = true;
    args = args.slice(1);
  }
  const [cmd, ...rest] = args;
  if (cmd === undefined) return fail("Invalid argument");
  const res = await runOne(backend, cmd, rest, stdin);
  return quiet ? { ...res, stderr: "" } : res;
}

/** Reload commands a job may run (argv as the executor builds them). */
export const RELOAD_COMMANDS: Record<string, readonly string[]> = {
  wifi: ["wifi", "reload"],
  network: ["/etc/init.d/network", "reload"],
  firewall: ["/etc/init.d/firewall", "reload"],
  bird: ["/etc/init.d/bird", "restart"],
  babeld: ["/etc/init.d/babeld", "restart"],
};

/**
 * A CommandRunner that is a router's config side: `uci …`, `cat`/`rm -f` of files under
 * confDir, and the reload commands (recorded in `commands`, otherwise no-ops). Anything
 * else is E_COMMAND_NOT_FOUND, so a test sees every unexpected command.
 */
export class UciFileRunner implements CommandRunner {
  readonly description: string;
  /** Every argv run, in order. */
  readonly commands: string[][] = [];

  constructor(
    readonly backend: FileUciBackend,
    private readonly confDir = "/etc/config",
  ) {
    this.description = `uci emulator ${backend.rootDir}`;
  }

  async run(argv: readonly string[], opts?: RunOptions): Promise<CommandResult> {
    this.commands.push([...argv]);
    const [prog, ...args] = argv;
    if (prog === "uci") return runUciCli(this.backend, argv, opts?.stdin);
    const config = (p: string | undefined) => (p?.startsWith(`${this.confDir}/`) ? p.slice(this.confDir.length + 1) : null);
    if (prog === "cat" && args.length === 1 && config(args[0]) !== null) {
      const text = await this.backend.read(config(args[0])!);
      return text === null ? { stdout: "", stderr: `cat: ${args[0]}: No such file or directory\n`, exitCode: 1 } : ok(text);
    }
    if (prog === "rm" && args[0] === "-f" && args.length === 2 && config(args[1]) !== null) {
      await this.backend.remove(config(args[1])!);
      return ok();
    }
    if (Object.values(RELOAD_COMMANDS).some((r) => r.length === argv.length && r.every((t, i) => t === argv[i]))) return ok();
    throw new CommandError(ERROR_CODES.commandNotFound, `not emulated: ${argv.join(" ")}`, { argv, exitCode: null, stderr: "" });
  }
}
