import type { Provider } from '@parcelwatch/contracts';

/** A fault that replaces or delays a whole answer. */
export type RequestFaultKind = 'rate_limited' | 'unavailable' | 'server_error' | 'slow' | 'malformed';

/**
 * What can go wrong on one provider. Rates are per-request (or per-checkpoint) probabilities
 * in [0, 1], drawn from a seeded generator; `script` is consumed one entry per request
 * before any random draw, for tests that need an exact sequence.
 */
export interface FaultSettings {
  /** 429 with Retry-After. */
  rateLimited: number;
  /** 503 with Retry-After. */
  unavailable: number;
  /** 500 without Retry-After. */
  serverError: number;
  /** Answer after `slowMs` of real time. */
  slow: number;
  slowMs: number;
  /** 200 with a truncated JSON body. */
  malformed: number;
  /** Per visible checkpoint: listed twice. */
  duplicateCheckpoints: number;
  /** Per answer: two neighbouring checkpoints swapped. */
  outOfOrder: number;
  /** Per checkpoint, from the second poll of a number on: reworded text. */
  editedWording: number;
  /** Seconds sent in Retry-After on injected 429 and 503. */
  retryAfterSeconds: number;
  /** Every request fails with this status until cleared (an outage, for circuit breakers). */
  outage: 500 | 503 | null;
  /** Faults for the next requests, in order; 'none' lets one request through untouched. */
  script: (RequestFaultKind | 'none')[];
}

export const NO_FAULTS: FaultSettings = {
  rateLimited: 0,
  unavailable: 0,
  serverError: 0,
  slow: 0,
  slowMs: 2_000,
  malformed: 0,
  duplicateCheckpoints: 0,
  outOfOrder: 0,
  editedWording: 0,
  retryAfterSeconds: 1,
  outage: null,
  script: [],
};

/** `default` applies to every provider; a provider's entry overrides field by field. */
export type FaultsInput = Partial<Record<Provider | 'default', Partial<FaultSettings>>>;

const RATE_FIELDS = ['rateLimited', 'unavailable', 'serverError', 'slow', 'malformed', 'duplicateCheckpoints', 'outOfOrder', 'editedWording'] as const;
const REQUEST_FAULTS: readonly string[] = ['rate_limited', 'unavailable', 'server_error', 'slow', 'malformed', 'none'];

/** Checks a faults document from the control API; throws with the bad field's name. */
export function validateFaults(input: unknown): FaultsInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('faults must be an object keyed by provider');
  for (const [provider, settings] of Object.entries(input)) {
    if (typeof settings !== 'object' || settings === null) throw new Error(`faults.${provider} must be an object`);
    const record = settings as Record<string, unknown>;
    for (const field of RATE_FIELDS) {
      const value = record[field];
      if (value !== undefined && (typeof value !== 'number' || value < 0 || value > 1)) {
        throw new Error(`faults.${provider}.${field} must be a probability in [0, 1]`);
      }
    }
    for (const field of ['slowMs', 'retryAfterSeconds'] as const) {
      const value = record[field];
      if (value !== undefined && (typeof value !== 'number' || value < 0 || !Number.isFinite(value))) {
        throw new Error(`faults.${provider}.${field} must be a non-negative number`);
      }
    }
    if (record.outage !== undefined && record.outage !== null && record.outage !== 500 && record.outage !== 503) {
      throw new Error(`faults.${provider}.outage must be 500, 503 or null`);
    }
    if (record.script !== undefined && (!Array.isArray(record.script) || record.script.some((kind) => !REQUEST_FAULTS.includes(kind as string)))) {
      throw new Error(`faults.${provider}.script must list ${REQUEST_FAULTS.join(', ')}`);
    }
  }
  return input as FaultsInput;
}
