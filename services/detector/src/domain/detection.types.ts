import type { AnyExceptionFactsInput, ExceptionFactsOf, ExceptionKind, Milestone, Severity } from '@parcelwatch/contracts';
import type { ReturnCauseFinding } from './return-cause.js';
import type { Thresholds } from './thresholds.js';
import type { DelayAssessment } from './delay.policy.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * What the rules read of a shipment. Instants are epoch milliseconds (UTC), null when the
 * parcel has not reached that point: plain numbers rather than luxon objects because the
 * sweep evaluates thousands of shipments per batch and most rules only compare instants.
 */
export interface TrackingState {
  shipmentId: string;
  merchantId: string;
  carrier: string;
  originCountry: string | null;
  destinationCountry: string | null;
  status: Milestone;
  statusReason: string | null;
  /** When the current status (milestone or reason) was reached. */
  statusAt: number | null;
  lastCheckpointAt: number | null;
  registeredAt: number;
  infoReceivedAt: number | null;
  pickedUpAt: number | null;
  customsClearedAt: number | null;
  outForDeliveryAt: number | null;
  availableForPickupAt: number | null;
  deliveredAt: number | null;
  returnedAt: number | null;
  failedAttempts: number;
  /** The buyer's promised delivery date, a local calendar date ("2025-03-14"). */
  promisedDeliveryDate: string | null;
  buyerTimezone: string;
  /** Why the parcel is going back, read from its checkpoints; null unless it is returning or returned. */
  returnCause: ReturnCauseFinding | null;
}

/** An exception that is open or escalated (resolved ones are history the rules never read). */
export interface OpenException {
  id: string;
  kind: ExceptionKind;
  severity: Severity;
  /** The rule's escalation level reached so far (0 = as opened). */
  level: number;
  openedAt: number;
}

export type Resolution = 'progressed' | 'delivered' | 'returned' | 'superseded';
/** The rule's facts: each rule's match its kind's schema in contracts (exception-facts.ts). */
export type Facts = AnyExceptionFactsInput;

/**
 * A rule's verdict on one shipment: `fire` (the exception should be open, at `level`),
 * `clear` (it should not be: resolve an open one), or `hold` (no opinion: keep what exists,
 * e.g. damage does not go away when the parcel moves on). A rule of kind K fires with K's facts
 * as the contract reads them (defaults included), so the compiler checks each rule's facts
 * against its kind's schema and the events need no parse of them.
 */
export type Finding<K extends ExceptionKind = ExceptionKind> =
  | { verdict: 'fire'; level: number; ruleFired: string; facts: ExceptionFactsOf<K> }
  | { verdict: 'clear' }
  | { verdict: 'hold' };

export interface RuleResult<K extends ExceptionKind = ExceptionKind> {
  finding: Finding<K>;
  /** The next instant at which this rule's verdict can change by time alone; null: only a new event can change it. */
  nextCheckAt: number | null;
}

export interface RuleContext {
  state: TrackingState;
  thresholds: Thresholds;
  now: number;
  /** Days late against the promised (else estimated) date, as of now or delivery. */
  delay: DelayAssessment | null;
}

export interface Rule<K extends ExceptionKind = ExceptionKind> {
  kind: K;
  /** Severity by escalation level; a level past the end keeps the last one. */
  severities: readonly [Severity, ...Severity[]];
  evaluate(context: RuleContext): RuleResult<K>;
}

export const FIRE = <F extends Facts>(level: number, ruleFired: string, facts: F) => ({ verdict: 'fire' as const, level, ruleFired, facts });
export const CLEAR = { verdict: 'clear' } as const;
export const HOLD = { verdict: 'hold' } as const;

export const isReturned = (state: TrackingState): boolean => state.status === 'exception' && state.statusReason === 'returned';
export const isDelivered = (state: TrackingState): boolean => state.status === 'delivered';
/** Hours or days with one decimal, for facts an ops person reads. */
export const roundTo1 = (value: number): number => Math.round(value * 10) / 10;
