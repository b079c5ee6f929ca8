import { isSecretName, maskSecretFields, SECRET_MASK as MASK, type UciOp } from "@meshfleet/shared";
import type { UciPackage } from "@meshfleet/uci";

/** Parameters with secret values replaced (for the API, the database's shown copy, logs). */
export function maskParams(params: Record<string, unknown>, secretParams: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (secretParams.includes(k) || isSecretName(k)) out[k] = v === undefined ? v : MASK;
    else if (k === "ops" && Array.isArray(v)) out[k] = maskOps(v as UciOp[]);
    else out[k] = maskSecretFields(v);
  }
  return out;
}

/** Ops with the values of secret options (`key`, `key1`, `sae_password`, ...: `isSecretName`) replaced. */
export function maskOps(ops: readonly UciOp[]): UciOp[] {
  return ops.map((op) => {
    if ((op.op === "set" || op.op === "add_list" || op.op === "del_list") && isSecretName(op.option)) {
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
        if (it.kind === "option" && isSecretName(it.name)) return { kind: "option" as const, name: it.name, value: MASK };
        if (it.kind === "list" && isSecretName(it.name)) return { kind: "list" as const, name: it.name, values: it.values.map(() => MASK) };
        return it;
      }),
    })),
  };
}
