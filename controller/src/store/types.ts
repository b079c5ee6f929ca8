/** Time source, injected everywhere (tests use a fake one). */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock the tests move by hand. */
export class FakeClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** How long each kind of history is kept (ms). */
export interface RetentionConfig {
  rawMs: number;
  minuteMs: number;
  quarterMs: number;
  hourMs: number;
}

export const DEFAULT_RETENTION: RetentionConfig = {
  rawMs: 48 * 3600_000,
  minuteMs: 30 * 24 * 3600_000,
  quarterMs: 90 * 24 * 3600_000,
  hourMs: 365 * 24 * 3600_000,
};

export const MINUTE_MS = 60_000;
export const QUARTER_MS = 15 * MINUTE_MS;
export const HOUR_MS = 3600_000;
