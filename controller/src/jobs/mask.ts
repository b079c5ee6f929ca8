import type { UciOp } from "@meshfleet/shared";
import type { UciPackage } from "@meshfleet/uci";
import { MASK, SECRET_OPTIONS } from "./templates/types";

/** Parameters with secret values replaced (for the API, the database's shown copy, logs). */
export function maskParams(params: Record<string, unknown>, secretParams: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (secretParams.includes(k) || SECRET_OPTIONS.has(k)) out[k] = v === undefined ? v : MASK;
    else if (k === "ops" && Array.isArray(v)) out[k] = maskOps(v as UciOp[]);
    else out[k] = v;
  }
  return out;
}

/** Ops with the values of secret options (`key`, `sae_password`, ...) replaced. */
export function maskOps(ops: readonly UciOp[]): UciOp[] {
  return ops.map((op) => {
    if ((op.op === "set" || op.op === "add_list" || op.op === "del_list") && SECRET_OPTIONS.has(op.option)) {
      return { ...op, value: Array.isArray(op.value) ? op.value.map(() => MASK) : MASK } as UciOp;
    }
    return op;
  });
}

/** A package with the values of secret options replaced (before it is shown in a diff). */
export function maskPackage(pkg: UciPackage): UciPackage {
  return {
    ...pkg,
    sections: pkg.sections.map((s) => ({
      ...s,
      items: s.items.map((it) => {
        if (it.kind === "option" && SECRET_OPTIONS.has(it.name)) return { kind: "option" as const, name: it.name, value: MASK };
        if (it.kind === "list" && SECRET_OPTIONS.has(it.name)) return { kind: "list" as const, name: it.name, values: it.values.map(() => MASK) };
        return it;
      }),
    })),
  };
}
