import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { UciOp } from "@meshfleet/shared";
import type { UciBackend, UciSnapshot } from "./backend";
import { parseUciFile, serializeUci, UciError, type UciPackage } from "./format";
import { applyUciOps } from "./ops";

const CONFIG_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * UCI over a directory of config files (`<root>/wireless`, `<root>/network`, ...),
 * behaving like `uci` with `-c <root>`: operations are staged in memory, `commit`
 * rewrites the file the way `uci commit` does (canonical form, comments dropped),
 * atomically (temp file + rename). Snapshots hold the exact file bytes, so a restore
 * is byte-for-byte.
 */
export class FileUciBackend implements UciBackend {
  readonly description: string;
  private readonly staged = new Map<string, UciPackage>();

  constructor(readonly rootDir: string) {
    this.description = `file ${rootDir}`;
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
    const staged = this.staged.get(config);
    if (staged !== undefined) return staged;
    const text = await this.read(config);
    return text === null ? null : parseUciFile(text);
  }

  async apply(ops: readonly UciOp[]): Promise<void> {
    const base: Record<string, UciPackage | null> = {};
    for (const op of ops) if (!(op.config in base)) base[op.config] = await this.load(op.config);
    const next = applyUciOps(base, ops);
    for (const [config, pkg] of Object.entries(next)) this.staged.set(config, pkg);
  }

  async commit(configs: readonly string[]): Promise<void> {
    for (const config of configs) {
      const pkg = this.staged.get(config);
      if (pkg === undefined) continue;
      await this.writeAtomic(config, serializeUci(pkg));
      this.staged.delete(config);
    }
  }

  revert(configs: readonly string[]): Promise<void> {
    for (const c of configs) this.staged.delete(c);
    return Promise.resolve();
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
    this.staged.delete(config);
    await this.writeAtomic(config, serializeUci(pkg));
  }

  async snapshot(configs: readonly string[]): Promise<UciSnapshot> {
    const out: UciSnapshot = { configs: {} };
    for (const c of configs) out.configs[c] = await this.read(c);
    return out;
  }

  async restore(snapshot: UciSnapshot): Promise<void> {
    for (const [config, text] of Object.entries(snapshot.configs)) {
      this.staged.delete(config);
      if (text === null) await rm(this.path(config), { force: true });
      else await this.writeAtomic(config, text);
    }
  }

  /** Removes a config file (`rm -f /etc/config/<config>`). */
  async remove(config: string): Promise<void> {
    this.staged.delete(config);
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
