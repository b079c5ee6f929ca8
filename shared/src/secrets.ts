/**
 * The one rule for which UCI option (or parameter, or JSON field) holds a secret, and the
 * maskers built on it. Everything that shows job parameters, ops, diffs, API answers,
 * log lines or webhook bodies masks with these.
 *
 * Sources: OpenWrt's wireless (wifi-iface `key`, `key1`-`key4`, `sae_password`,
 * `password`, `auth_secret`, `acct_secret`, `dae_secret`, `priv_key_pwd`,
 * `priv_key2_pwd`, `r0kh`/`r1kh` (they carry shared keys), `ppsk_secret`), network
 * (`password` of ppp/pppoe/3g/l2tp/pptp/openconnect/sstp, modem `pincode`/`pin`,
 * WireGuard `private_key` and peer `preshared_key`, 6in4 `updatekey`, vpnc
 * `xauth_password`, openconnect `token_secret`, strongswan `psk`) and ddns `password`.
 * Beyond the list, any name ending in `_password`, `_passwd`, `_passphrase`, `_secret`,
 * `_psk` or `_pwd` counts as one. `public_key`, `key_mgmt`, `encryption`, `keyidx` do not.
 */
export const SECRET_MASK = "********";

const EXACT = new Set([
  "key",
  "sae_password",
  "password",
  "passwd",
  "passphrase",
  "secret",
  "psk",
  "wpa_psk",
  "wpa_passphrase",
  "auth_secret",
  "acct_secret",
  "dae_secret",
  "priv_key_pwd",
  "priv_key2_pwd",
  "ppsk_secret",
  "r0kh",
  "r1kh",
  "private_key",
  "preshared_key",
  "pre_shared_key",
  "pin",
  "pincode",
  "updatekey",
  "xauth_password",
  "token_secret",
  "token",
  "seed",
]);
const PATTERNS = [/^key[0-9]$/, /_(password|passwd|passphrase|secret|psk|pwd)$/, /^(password|secret)[0-9]$/];

/** True when a UCI option, job parameter or JSON field of this name holds a secret. */
export function isSecretName(name: string): boolean {
  const n = name.toLowerCase();
  return EXACT.has(n) || PATTERNS.some((p) => p.test(n));
}

/** A deep copy of a JSON-like value with every secret field's value replaced by the mask. */
export function maskSecretFields<T>(value: T): T {
  return walk(value, 0) as T;
}

function walk(v: unknown, depth: number): unknown {
  if (depth > 32 || v === null || typeof v !== "object") return typeof v === "string" ? maskSecretText(v) : v;
  if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
  if (v instanceof Error) return { name: v.name, message: maskSecretText(v.message) };
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const masked = isSecretName(k) && x !== undefined && x !== null && x !== "" ? (Array.isArray(x) ? x.map(() => SECRET_MASK) : SECRET_MASK) : walk(x, depth + 1);
    Object.defineProperty(out, k, { value: masked, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

// a quote left open (text cut short) runs to the end
// `wireless.ap.key=value`, `set wireless.ap.key='value'`, `add_list x.y.key="v"`: value up to the end of the token
const DOTTED = /\b([A-Za-z0-9_-]+\.(?:@?[A-Za-z0-9_-]+(?:\[-?\d+\])?)\.([A-Za-z0-9_]+))=((?:'[^']*(?:'|$)|"(?:[^"\\]|\\.)*(?:"|$)|\\.|[^\s'"])*)/g;
// `option key 'value'` / `list r0kh "value"` (UCI file text, diffs)
const FILE_LINE = /\b(option|list)([ \t]+)([A-Za-z0-9_]+)([ \t]+)((?:'[^']*(?:'|$)|"(?:[^"\\]|\\.)*(?:"|$)|\\.|[^\s'"])+)/g;
// `"key":"value"` inside JSON text (an error message quoting a body)
const JSON_FIELD = /"([A-Za-z0-9_]+)"(\s*:\s*)"(?:[^"\\]|\\.)*"/g;

/** Text (an error message, a uci command line, a file excerpt) with secret option values masked. */
export function maskSecretText(text: string): string {
  if (text.length === 0) return text;
  return text
    .replace(DOTTED, (all, lhs: string, opt: string) => (isSecretName(opt) ? `${lhs}=${SECRET_MASK}` : all))
    .replace(FILE_LINE, (all, kw: string, s1: string, opt: string, s2: string) => (isSecretName(opt) ? `${kw}${s1}${opt}${s2}'${SECRET_MASK}'` : all))
    .replace(JSON_FIELD, (all, k: string, colon: string) => (isSecretName(k) ? `"${k}"${colon}"${SECRET_MASK}"` : all));
}
