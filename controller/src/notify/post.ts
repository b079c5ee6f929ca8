import type { NotifyTarget } from "./config";
import type { NotifyRequest } from "./payloads";

export const NOTIFY_ERROR_CODES = ["notify_refused", "notify_http_error", "notify_unreachable"] as const;
export type NotifyErrorCode = (typeof NOTIFY_ERROR_CODES)[number];

/** A notification that could not be delivered; the message names the target, never its URL. */
export class NotifyError extends Error {
  constructor(
    readonly code: NotifyErrorCode,
    message: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "NotifyError";
  }
}

const sleepReal = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * POSTs one request: 2xx is delivered; other 4xx (but 429) are final (`notify_refused`);
 * network errors, timeouts, 5xx and 429 are retried up to the target's attempts with
 * exponential backoff from `baseDelayMs` (1 s, 2 s, 4 s, … at most 60 s).
 */
export async function post(req: NotifyRequest, t: NotifyTarget, o: { sleep?: (ms: number) => Promise<void>; baseDelayMs?: number } = {}): Promise<void> {
  const sleep = o.sleep ?? sleepReal;
  const base = o.baseDelayMs ?? 1000;
  let last: NotifyError | null = null;
  for (let n = 1; n <= t.attempts; n++) {
    try {
      const res = await fetch(req.url, { method: "POST", headers: req.headers, body: req.body, signal: AbortSignal.timeout(t.timeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return;
      if (res.status < 500 && res.status !== 429) throw new NotifyError("notify_refused", `${t.name} refused the notification: HTTP ${res.status}`, n);
      last = new NotifyError("notify_http_error", `${t.name} answered HTTP ${res.status}`, n);
    } catch (err) {
      if (err instanceof NotifyError) throw err;
      // fetch's own errors may carry the URL: keep only their kind.
      last = new NotifyError("notify_unreachable", `${t.name} unreachable (${(err as Error).name})`, n);
    }
    if (n < t.attempts) await sleep(Math.min(60_000, base * 2 ** (n - 1)));
  }
  throw new NotifyError(last!.code, `${last!.message} after ${t.attempts} attempts`, t.attempts);
}
