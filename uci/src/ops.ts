import type { UciOp } from "@meshfleet/shared";
import { clonePackage, UciError, type UciListItem, type UciOptionItem, type UciPackage, type UciSection } from "./format";

/**
 * The UCI operations engine: applies `UciOp`s to parsed packages with the semantics
 * of the `uci` command line:
 * - `section`: `uci set cfg.sec=type` creates a named section at the end, or retypes it;
 * - `set`: the section must exist; a string replaces the option (or a list) in place,
 *   an array replaces the whole list (like `uci delete` + `uci add_list`s: it moves to the end);
 * - `delete`: the section or option must exist (`uci: Entry not found` otherwise);
 * - `add_list`: appends (an option becomes a list holding its old value first);
 * - `del_list`: removes every occurrence, no error when absent;
 * - `@type[index]` addresses the index-th section of that type (named or not),
 *   negative indexes count from the end (`@wifi-iface[-1]` is the last one).
 */

const EXTENDED_RE = /^@([A-Za-z0-9_-]+)\[(-?\d+)\]$/;

/** Finds a section by name or `@type[index]`; undefined when there is none. */
export function findSection(pkg: UciPackage, ref: string): UciSection | undefined {
  const m = EXTENDED_RE.exec(ref);
  if (m === null) return pkg.sections.find((s) => s.name === ref);
  const ofType = pkg.sections.filter((s) => s.type === m[1]);
  const idx = Number(m[2]);
  return ofType[idx < 0 ? ofType.length + idx : idx];
}

function findItem(s: UciSection, name: string): UciOptionItem | UciListItem | undefined {
  return s.items.find((i): i is UciOptionItem | UciListItem => i.kind !== "comment" && i.name === name);
}

function notFound(what: string): never {
  throw new UciError(`uci: Entry not found (${what})`, { entry: what });
}

function put(s: UciSection, next: UciOptionItem | UciListItem): void {
  const old = findItem(s, next.name);
  if (old === undefined) s.items.push(next);
  else s.items[s.items.indexOf(old)] = next;
}

/** Refuses values the file format cannot hold (the wire schema already does; this guards every other caller). */
export function assertUciValues(op: UciOp): void {
  const values = "value" in op ? (Array.isArray(op.value) ? op.value : [op.value]) : [];
  for (const v of values) if (/[\n\r\0]/.test(v)) throw new UciError(`uci: Invalid argument (a value for ${op.config}.${op.section} contains a line break or NUL)`);
}

/** Applies one operation to the package it names (mutates `pkg`). */
export function applyUciOp(pkg: UciPackage, op: UciOp): void {
  assertUciValues(op);
  const where = `${op.config}.${op.section}`;
  if (op.op === "section") {
    const s = findSection(pkg, op.section);
    if (s !== undefined) {
      if (s.type !== op.type) {
        s.type = op.type;
        delete s.raw;
      }
      return;
    }
    if (op.section.startsWith("@")) notFound(where);
    pkg.sections.push({ type: op.type, name: op.section, items: [] });
    return;
  }
  const s = findSection(pkg, op.section) ?? notFound(where);
  const full = `${where}.${"option" in op && op.option !== undefined ? op.option : ""}`;
  switch (op.op) {
    case "set":
      if (Array.isArray(op.value)) {
        // As `uci delete` + one `uci add_list` per value: the list moves to the end.
        const old = findItem(s, op.option);
        if (old) s.items.splice(s.items.indexOf(old), 1);
        if (op.value.length > 0) s.items.push({ kind: "list", name: op.option, values: [...op.value] });
      } else {
        const old = findItem(s, op.option);
        if (old?.kind === "option" && old.value === op.value) return;
        put(s, { kind: "option", name: op.option, value: op.value });
      }
      return;
    case "delete": {
      if (op.option === undefined) {
        pkg.sections.splice(pkg.sections.indexOf(s), 1);
        return;
      }
      const old = findItem(s, op.option) ?? notFound(full);
      s.items.splice(s.items.indexOf(old), 1);
      return;
    }
    case "add_list": {
      const old = findItem(s, op.option);
      if (old?.kind === "list") {
        old.values.push(op.value);
        delete old.raw;
        delete old.rawValues;
      } else put(s, { kind: "list", name: op.option, values: old === undefined ? [op.value] : [old.value, op.value] });
      return;
    }
    case "del_list": {
      const old = findItem(s, op.option);
      if (old === undefined) return;
      if (old.kind === "option") {
        if (old.value === op.value) s.items.splice(s.items.indexOf(old), 1);
        return;
      }
      const kept = old.values.filter((v) => v !== op.value);
      if (kept.length === old.values.length) return;
      if (kept.length === 0) s.items.splice(s.items.indexOf(old), 1);
      else put(s, { kind: "list", name: old.name, values: kept });
      return;
    }
  }
}

/**
 * Applies operations to a set of packages keyed by config name, without touching the
 * input: returns new packages for every config the operations touch. A config with no
 * package (no file) is an error, as with `uci`, unless `createMissing` is set.
 */
export function applyUciOps(
  packages: Readonly<Record<string, UciPackage | null | undefined>>,
  ops: readonly UciOp[],
  opts: { createMissing?: boolean } = {},
): Record<string, UciPackage> {
  const out: Record<string, UciPackage> = {};
  for (const op of ops) {
    let pkg = out[op.config];
    if (pkg === undefined) {
      const base = packages[op.config];
      if (base === null || base === undefined) {
        if (!opts.createMissing) notFound(op.config);
        pkg = { name: null, header: [], sections: [] };
      } else pkg = clonePackage(base);
      out[op.config] = pkg;
    }
    applyUciOp(pkg, op);
  }
  return out;
}

/** The configs a list of operations touches, sorted. */
export function configsOf(ops: readonly UciOp[]): string[] {
  return [...new Set(ops.map((o) => o.config))].sort();
}

/** Shows an op the way `uci` spells it on the command line (for logs and plans). */
export function describeUciOp(op: UciOp): string {
  const path = `${op.config}.${op.section}`;
  switch (op.op) {
    case "section":
      return `set ${path}=${op.type}`;
    case "set":
      return Array.isArray(op.value) ? `set ${path}.${op.option}=[${op.value.join(", ")}]` : `set ${path}.${op.option}=${op.value}`;
    case "delete":
      return `delete ${path}${op.option === undefined ? "" : `.${op.option}`}`;
    case "add_list":
      return `add_list ${path}.${op.option}=${op.value}`;
    case "del_list":
      return `del_list ${path}.${op.option}=${op.value}`;
  }
}
