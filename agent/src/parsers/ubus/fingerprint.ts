import { createHash } from "node:crypto";

/** First 16 hex digits of sha256(s): lets the controller compare keys it never sees. */
export function sha256Fingerprint(s: string): string {
  return createHash("sha256").update(s, "utf8").digest("hex").slice(0, 16);
}
