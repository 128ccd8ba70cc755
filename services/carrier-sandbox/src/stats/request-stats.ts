import type { Provider } from '@parcelwatch/contracts';

export interface RateLimit {
  /** Requests allowed per window, per API key. */
  limit: number;
  windowMs: number;
}

export interface WindowCounter {
  requests: number;
  /** The most requests seen in any window of `windowMs` (sliding, ending at an arrival). */
  maxInWindow: number;
}

export interface ProviderStats extends WindowCounter {
  windowMs: number;
  /** The limit the sandbox enforces per key, or null when it enforces none. */
  limit: number | null;
  byStatus: Record<string, number>;
  /** 429s the sandbox sent because a key went over its limit (not injected faults). */
  rejectedOverLimit: number;
  keys: Record<string, WindowCounter>;
}

export interface StatsReport {
  providers: Partial<Record<Provider, ProviderStats>>;
  faults: Record<string, Record<string, number>>;
}

/** One request as the provider saw it, for tests that check spacing (Retry-After honoured). */
export interface RequestLogEntry {
  /** Arrival, real epoch ms. */
  at: number;
  provider: Provider;
  key: string;
  method: string;
  path: string;
  status: number | null;
  fault: string | null;
}

const LOG_LIMIT = 5_000;

/** Arrival times within the last window, oldest first, plus the peak count seen. */
class SlidingWindow {
  private readonly arrivals: number[] = [];
  private head = 0;
  requests = 0;
  maxInWindow = 0;

  constructor(private readonly windowMs: number) {}

  /** Records an arrival at `at` (ms); returns how many arrivals fall in (at - window, at]. */
  record(at: number): number {
    this.evict(at);
    this.arrivals.push(at);
    this.requests += 1;
    const inWindow = this.arrivals.length - this.head;
    if (inWindow > this.maxInWindow) this.maxInWindow = inWindow;
    return inWindow;
  }

  /** How many arrivals fall in (at - window, at], without recording one. */
  countAt(at: number): number {
    this.evict(at);
    return this.arrivals.length - this.head;
  }

  /** When the oldest arrival in the window leaves it. */
  oldestExpiresAt(): number | null {
    const oldest = this.arrivals[this.head];
    return oldest === undefined ? null : oldest + this.windowMs;
  }

  private evict(at: number): void {
    while (this.head < this.arrivals.length && this.arrivals[this.head]! <= at - this.windowMs) this.head += 1;
    if (this.head > 1024) {
      this.arrivals.splice(0, this.head);
      this.head = 0;
    }
  }
}

interface ProviderCounters {
  rate: RateLimit | null;
  windowMs: number;
  all: SlidingWindow;
  keys: Map<string, SlidingWindow>;
  byStatus: Record<string, number>;
  rejectedOverLimit: number;
}

/**
 * Counts what each provider received, per API key, in real time (rate limits are about the
 * wire, not the simulated clock), and enforces each provider's configured limit per key.
 */
export class RequestStats {
  private readonly providers = new Map<Provider, ProviderCounters>();
  private readonly log: RequestLogEntry[] = [];

  constructor(
    private rateLimits: Partial<Record<Provider, RateLimit | null>>,
    private readonly now: () => number = () => performance.now(),
    private readonly defaultWindowMs = 1_000,
  ) {}

  setRateLimits(rateLimits: Partial<Record<Provider, RateLimit | null>>): void {
    this.rateLimits = rateLimits;
    this.providers.clear();
  }

  rateLimitOf(provider: Provider): RateLimit | null {
    return this.rateLimits[provider] ?? null;
  }

  /**
   * Records one request. Over the limit, the request is still counted (the provider did
   * receive it) and the answer says when to come back.
   */
  admit(provider: Provider, key: string): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const counters = this.countersFor(provider);
    const at = this.now();
    counters.all.record(at);
    let window = counters.keys.get(key);
    if (!window) {
      window = new SlidingWindow(counters.windowMs);
      counters.keys.set(key, window);
    }
    const inWindow = window.record(at);
    if (counters.rate && inWindow > counters.rate.limit) {
      counters.rejectedOverLimit += 1;
      const expiresAt = window.oldestExpiresAt() ?? at + counters.windowMs;
      return { allowed: false, retryAfterMs: Math.max(1, expiresAt - at) };
    }
    return { allowed: true };
  }

  recordStatus(provider: Provider, status: number): void {
    const counters = this.countersFor(provider);
    counters.byStatus[status] = (counters.byStatus[status] ?? 0) + 1;
  }

  /** Appends to the request log; the returned entry is completed (status, fault) as the request proceeds. */
  logRequest(entry: Omit<RequestLogEntry, 'at' | 'status' | 'fault'>): RequestLogEntry {
    const full: RequestLogEntry = { ...entry, at: Date.now(), status: null, fault: null };
    this.log.push(full);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    return full;
  }

  requests(provider?: Provider): RequestLogEntry[] {
    return this.log.filter((entry) => provider === undefined || entry.provider === provider).map((entry) => ({ ...entry }));
  }

  report(faults: Record<string, Record<string, number>>): StatsReport {
    const providers: StatsReport['providers'] = {};
    for (const [provider, counters] of this.providers) {
      providers[provider] = {
        requests: counters.all.requests,
        maxInWindow: counters.all.maxInWindow,
        windowMs: counters.windowMs,
        limit: counters.rate?.limit ?? null,
        byStatus: { ...counters.byStatus },
        rejectedOverLimit: counters.rejectedOverLimit,
        keys: Object.fromEntries(
          [...counters.keys].map(([key, window]) => [key, { requests: window.requests, maxInWindow: window.maxInWindow }]),
        ),
      };
    }
    return { providers, faults };
  }

  reset(): void {
    this.providers.clear();
    this.log.length = 0;
  }

  private countersFor(provider: Provider): ProviderCounters {
    let counters = this.providers.get(provider);
    if (!counters) {
      const rate = this.rateLimitOf(provider);
      const windowMs = rate?.windowMs ?? this.defaultWindowMs;
      counters = { rate, windowMs, all: new SlidingWindow(windowMs), keys: new Map(), byStatus: {}, rejectedOverLimit: 0 };
      this.providers.set(provider, counters);
    }
    return counters;
  }
}
