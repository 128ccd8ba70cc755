/**
 * When a failed delivery is tried again: 30 s, 1 min, 2 min, 4 min ... doubling up to 1 h, each
 * spread by ±20 % so deliveries that failed together (a receiver went down) do not all come
 * back in the same second. `random` is injected (seeded in tests) and returns [0, 1).
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** Fraction of the delay the jitter may add or take away. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, capMs: 60 * 60_000, jitter: 0.2 };

/** Delay after the `failedAttempts`-th consecutive failure of one delivery (1 = the first). */
export function backoffDelayMs(failedAttempts: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, Math.min(failedAttempts - 1, 30));
  const raw = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const spread = 1 - policy.jitter + 2 * policy.jitter * random();
  return Math.round(Math.min(policy.capMs, raw * spread));
}

/** A small seeded generator (mulberry32) for deterministic jitter in tests and demos. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
