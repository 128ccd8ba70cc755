import type { Milestone } from '@parcelwatch/contracts';

/**
 * When to ask a provider about a shipment next. Polls cost quota and rate, so the cadence
 * follows what can change soon: a parcel out for delivery changes within hours, one on a
 * ship or plane for days does not. Pure: the caller passes the time and the last known state.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface CadencePolicy {
  /** Out for delivery, failed attempt, at a pickup point: the buyer is waiting on it today. */
  lastMileMs: number;
  /** Customs processing or hold: releases come in hours and drive notifications. */
  customsMs: number;
  /** In transit with recent scans. */
  inTransitMs: number;
  /** In transit with no scan for `lineHaulQuietMs`: on a ship or plane, nothing to see for days. */
  lineHaulMs: number;
  lineHaulQuietMs: number;
  /** Not found / pending: back off with the shipment's age (a fraction of it), between these two. */
  notFoundMinMs: number;
  notFoundMaxMs: number;
  notFoundAgeFraction: number;
  /** Keep polling this long after delivery or a terminal return: late scans, corrections. */
  terminalGraceMs: number;
  /** Poll cadence inside that grace period. */
  terminalMs: number;
  /** Give up when nothing new for this long (no checkpoint since, or since creation). */
  expireAfterQuietMs: number;
  /** Give up on any shipment older than this. */
  maxAgeMs: number;
  /** Failed fetch: base * 2^(failures-1), capped. */
  failureBaseMs: number;
  failureMaxMs: number;
  /**
   * No carrier account for the shipment's provider: look again this much later (an account
   * entered through the api wakes the merchant's waiting shipments at once).
   */
  noAccountMs: number;
}

export const DEFAULT_CADENCE: Readonly<CadencePolicy> = {
  lastMileMs: 1 * HOUR,
  customsMs: 2 * HOUR,
  inTransitMs: 6 * HOUR,
  lineHaulMs: 12 * HOUR,
  lineHaulQuietMs: 3 * DAY,
  notFoundMinMs: 1 * HOUR,
  notFoundMaxMs: 24 * HOUR,
  notFoundAgeFraction: 0.25,
  terminalGraceMs: 3 * DAY,
  terminalMs: 12 * HOUR,
  expireAfterQuietMs: 30 * DAY,
  maxAgeMs: 120 * DAY,
  failureBaseMs: 5 * 60_000,
  failureMaxMs: 6 * HOUR,
  noAccountMs: 1 * HOUR,
};

export interface ShipmentPollState {
  status: Milestone;
  statusReason: string | null;
  statusAt: Date | null;
  lastCheckpointAt: Date | null;
  deliveredAt: Date | null;
  returnedAt: Date | null;
  createdAt: Date;
}

export type PollOutcome = { kind: 'answered' } | { kind: 'failed'; consecutiveFailures: number } | { kind: 'no_account' };

export type StopReason = 'delivered' | 'returned' | 'terminal' | 'expired_quiet' | 'expired_age';

export type CadenceDecision =
  | { kind: 'poll'; at: Date; because: string }
  | { kind: 'stop'; reason: StopReason };

const CUSTOMS_REASONS = new Set(['customs_processing', 'customs_hold', 'customs_documents_required', 'duties_unpaid']);
/** Exceptions after which the carrier scans no more: the parcel is back or gone. */
const TERMINAL_EXCEPTIONS = new Set(['returned', 'destroyed', 'cancelled']);

const at = (now: Date, ms: number) => new Date(now.getTime() + ms);
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** When a finished shipment stops being polled, or null while it is not finished. */
function terminalSince(state: ShipmentPollState): { reason: StopReason; since: Date } | null {
  if (state.status === 'delivered') return { reason: 'delivered', since: state.deliveredAt ?? state.statusAt ?? state.createdAt };
  if (state.status === 'expired') return { reason: 'terminal', since: state.statusAt ?? state.createdAt };
  if (state.status === 'exception' && state.statusReason !== null && TERMINAL_EXCEPTIONS.has(state.statusReason)) {
    return { reason: state.statusReason === 'returned' ? 'returned' : 'terminal', since: state.returnedAt ?? state.statusAt ?? state.createdAt };
  }
  return null;
}

function normalInterval(state: ShipmentPollState, now: Date, policy: CadencePolicy): { ms: number; because: string } {
  switch (state.status) {
    case 'out_for_delivery':
    case 'available_for_pickup':
    case 'failed_attempt':
      return { ms: policy.lastMileMs, because: state.status };
    case 'pending':
    case 'not_found': {
      const age = now.getTime() - state.createdAt.getTime();
      return { ms: clamp(age * policy.notFoundAgeFraction, policy.notFoundMinMs, policy.notFoundMaxMs), because: `${state.status}_backoff` };
    }
    default:
      break;
  }
  if (state.statusReason !== null && CUSTOMS_REASONS.has(state.statusReason)) return { ms: policy.customsMs, because: 'customs' };
  const lastScan = state.lastCheckpointAt ?? state.statusAt;
  if (lastScan !== null && now.getTime() - lastScan.getTime() >= policy.lineHaulQuietMs) return { ms: policy.lineHaulMs, because: 'line_haul' };
  return { ms: policy.inTransitMs, because: 'in_transit' };
}

export function nextPoll(state: ShipmentPollState, outcome: PollOutcome, now: Date, policy: CadencePolicy = DEFAULT_CADENCE): CadenceDecision {
  const terminal = terminalSince(state);
  if (terminal) {
    const graceEnd = terminal.since.getTime() + policy.terminalGraceMs;
    if (now.getTime() >= graceEnd) return { kind: 'stop', reason: terminal.reason };
  }
  if (now.getTime() - state.createdAt.getTime() >= policy.maxAgeMs) return { kind: 'stop', reason: 'expired_age' };
  const lastNews = state.lastCheckpointAt ?? state.createdAt;
  if (!terminal && now.getTime() - lastNews.getTime() >= policy.expireAfterQuietMs) return { kind: 'stop', reason: 'expired_quiet' };

  if (outcome.kind === 'no_account') return { kind: 'poll', at: at(now, policy.noAccountMs), because: 'no_account' };
  if (outcome.kind === 'failed') {
    // Nothing is lost on a failure: the shipment stays scheduled, only later.
    const exponent = Math.max(0, outcome.consecutiveFailures - 1);
    const ms = Math.min(policy.failureMaxMs, policy.failureBaseMs * 2 ** Math.min(exponent, 30));
    return { kind: 'poll', at: at(now, ms), because: 'failure_backoff' };
  }
  if (terminal) {
    const graceEnd = terminal.since.getTime() + policy.terminalGraceMs;
    return { kind: 'poll', at: new Date(Math.min(graceEnd, now.getTime() + policy.terminalMs)), because: `${terminal.reason}_grace` };
  }
  const { ms, because } = normalInterval(state, now, policy);
  return { kind: 'poll', at: at(now, ms), because };
}
