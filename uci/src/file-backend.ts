import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { UciOp } from "@meshfleet/shared";
import type { UciBackend, UciSnapshot } from "./backend";
import { parseUciFile, serializeUci, UciError, type UciPackage } from "./format";
import { applyUciOps } from "./ops";

const CONFIG_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * UCI over a directory of config files (`<root>/wireless`, `<root>/network`, ...),
 * behaving like `uci` with `-c <root>`: operations are staged in memory (and, with
 * `saveDir`, in files there, as `uci -P` keeps its deltas in /tmp/.uci, so several
 * processes see one staging area), `commit`
 * rewrites the file the way `uci commit` does (canonical form, comments dropped),
 * atomically (temp file + rename). Snapshots hold the exact file bytes, so a restore
 * is byte-for-byte.
 */
export class FileUciBackend implements UciBackend {
  readonly description: string;
  private readonly staged = new Map<string, UciPackage>();
  private readonly saveDir: string | null;

  constructor(
    readonly rootDir: string,
    opts: { saveDir?: string } = {},
  ) {
    this.description = `file ${rootDir}`;
    this.saveDir = opts.saveDir ?? null;
  }

  private async stagedPackage(config: string): Promise<UciPackage | undefined> {
    const inMemory = this.staged.get(config);
    if (inMemory !== undefined || this.saveDir === null) return inMemory;
    try {
      return parseUciFile(await readFile(join(this.saveDir, config), "utf8"));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  private async stage(config: string, pkg: UciPackage): Promise<void> {
    this.path(config); // validates the name
    this.staged.set(config, pkg);
    if (this.saveDir === null) return;
    await mkdir(this.saveDir, { recursive: true });
    await writeFile(join(this.saveDir, config), serializeUci(pkg), "utf8");
  }

  private async unstage(config: string): Promise<void> {
    this.staged.delete(config);
    this.path(config); // validates the name
    if (this.saveDir !== null) await rm(join(this.saveDir, config), { force: true });
  }

  private path(config: string): string {
    if (!CONFIG_RE.test(config)) throw new UciError(`invalid config name ${JSON.stringify(config)}`);
    return join(this.rootDir, config);
  }

  async read(config: string): Promise<string | null> {
    try {
      return await readFile(this.path(config), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
  }

  /** The package as `uci` sees it now: staged changes over the committed file. */
  async load(config: string): Promise<UciPackage | null> {
    const staged = await this.stagedPackage(config);
    if (staged !== undefined) return staged;
    const text = await this.read(config);
    return text === null ? null : parseUciFile(text);
  }

  async apply(ops: readonly UciOp[]): Promise<void> {
    const base: Record<string, UciPackage | null> = {};
    for (const op of ops) if (!(op.config in base)) base[op.config] = await this.load(op.config);
    const next = applyUciOps(base, ops);
    for (const [config, pkg] of Object.entries(next)) await this.stage(config, pkg);
  }

  async commit(configs: readonly string[]): Promise<void> {
    for (const config of configs) {
      const pkg = await this.stagedPackage(config);
      if (pkg === undefined) continue;
      await this.writeAtomic(config, serializeUci(pkg));
      await this.unstage(config);
    }
  }

  async revert(configs: readonly string[]): Promise<void> {
    for (const c of configs) await this.unstage(c);
  }

  /** The staged view as `uci export <config>` prints it; null when the config does not exist. */
  async exportText(config: string): Promise<string | null> {
    const pkg = await this.load(config);
    return pkg === null ? null : serializeUci(pkg, { withPackageLine: config });
  }

  /** `uci import <config>`: replaces the config with the text's sections and commits. */
  async importText(config: string, text: string): Promise<void> {
    const pkg = parseUciFile(text);
    if (pkg.name !== null && pkg.name !== config) throw new UciError(`import: text is package ${pkg.name}, not ${config}`);
    await this.unstage(config);
    await this.writeAtomic(config, serializeUci(pkg));
  }

  async snapshot(configs: readonly string[]): Promise<UciSnapshot> {
    const out: UciSnapshot = { configs: {} };
    for (const c of configs) out.configs[c] = await this.read(c);
    return out;
  }

  async restore(snapshot: UciSnapshot): Promise<void> {
    for (const [config, text] of Object.entries(snapshot.configs)) {
      await this.unstage(config);
      if (text === null) await rm(this.path(config), { force: true });
      else await this.writeAtomic(config, text);
    }
  }

  /** Removes a config file (`rm -f /etc/config/<config>`). */
  async remove(config: string): Promise<void> {
    await this.unstage(config);
    await rm(this.path(config), { force: true });
  }

  private async writeAtomic(config: string, text: string): Promise<void> {
    const target = this.path(config);
    await mkdir(this.rootDir, { recursive: true });
    const tmp = `${target}.meshfleet-tmp`;
    await writeFile(tmp, text, "utf8");
    await rename(tmp, target);
  }
}
