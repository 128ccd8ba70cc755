import type { ExceptionKind, Severity } from '@parcelwatch/contracts';
import { customsHoldRule } from './customs-hold.rule.js';
import { damagedRule } from './damaged.rule.js';
import { assessDelay, delayReference, type DelayAgainst, type DelayAssessment, type DelayTiers, type TransitEstimate } from './delay.policy.js';
import { deliveryOverdueRule } from './delivery-overdue.rule.js';
import { isDelivered, isReturned, type Facts, type OpenException, type Resolution, type Rule, type TrackingState } from './detection.types.js';
import { failedDeliveryRule } from './failed-delivery.rule.js';
import { lateRule } from './late.rule.js';
import { lostRule } from './lost.rule.js';
import { notPickedUpRule } from './not-picked-up.rule.js';
import { pickupUncollectedRule } from './pickup-uncollected.rule.js';
import { returningRule } from './returning.rule.js';
import { stalledRule } from './stalled.rule.js';
import type { Thresholds } from './thresholds.js';

/** The rules table of ARCHITECTURE.md "Detection", in its order. */
export const RULES: readonly Rule[] = [
  notPickedUpRule,
  stalledRule,
  customsHoldRule,
  deliveryOverdueRule,
  failedDeliveryRule,
  pickupUncollectedRule,
  returningRule,
  lostRule,
  damagedRule,
  lateRule,
];

export interface DetectionInput {
  state: TrackingState;
  /** The shipment's open (or escalated) exceptions: at most one per kind. */
  open: readonly OpenException[];
  thresholds: Thresholds;
  /** The compensation policy's delay tiers (the one source of a delay's tier). */
  delayTiers: DelayTiers;
  now: number;
  estimate: TransitEstimate;
  /** The largest daysLate already recorded per reference (0: none). */
  recordedDaysLate: Readonly<Record<DelayAgainst, number>>;
}

export interface ExceptionToOpen {
  kind: ExceptionKind;
  /** The severity of level 0; an opening at a higher level is followed by an escalation. */
  severity: Severity;
  ruleFired: string;
  facts: Facts;
}

export interface ExceptionToEscalate {
  /** Null when the exception is opened in the same evaluation. */
  exception: OpenException | null;
  kind: ExceptionKind;
  fromSeverity: Severity;
  toSeverity: Severity;
  fromLevel: number;
  toLevel: number;
  ruleFired: string;
  facts: Facts;
}

export interface ExceptionToResolve {
  exception: OpenException;
  resolution: Resolution;
}

export interface Evaluation {
  open: ExceptionToOpen[];
  escalate: ExceptionToEscalate[];
  resolve: ExceptionToResolve[];
  /** A delay to record and announce: daysLate grew past what was recorded. */
  delay: DelayAssessment | null;
  /** The earliest instant any rule can change its verdict by time alone; null: only events can. */
  nextCheckAt: number | null;
}

const severityAt = (rule: Rule, level: number): Severity => rule.severities[Math.min(level, rule.severities.length - 1)] ?? rule.severities[0];

function resolutionFor(state: TrackingState): Resolution {
  if (isDelivered(state)) return 'delivered';
  if (isReturned(state)) return 'returned';
  return 'progressed';
}

/** When the journey is over, the delay is frozen at its end (delivery, or the return). */
function delayAsOf(state: TrackingState, now: number): { asOf: number; over: boolean } {
  if (isDelivered(state)) return { asOf: Math.min(now, state.deliveredAt ?? state.statusAt ?? now), over: true };
  if (isReturned(state) || (state.status === 'exception' && state.statusReason === 'destroyed')) {
    return { asOf: Math.min(now, state.returnedAt ?? state.statusAt ?? now), over: true };
  }
  return { asOf: now, over: false };
}

/**
 * Evaluates every rule for one shipment and turns the verdicts into lifecycle steps against
 * its open exceptions: open what fires and is not open, escalate what fires at a higher level
 * than it reached, resolve what is open and cleared. Pure: the caller writes the result.
 */
export function evaluateShipment(input: DetectionInput): Evaluation {
  const { state, thresholds, now } = input;
  const reference = delayReference(state, input.estimate);
  const timing = delayAsOf(state, now);
  const delay = reference === null ? null : assessDelay(reference, timing.asOf, timing.over, thresholds.late, input.delayTiers);
  const openByKind = new Map(input.open.map((exception) => [exception.kind, exception]));
  const evaluation: Evaluation = { open: [], escalate: [], resolve: [], delay: null, nextCheckAt: null };
  let next = Number.POSITIVE_INFINITY;
  const verdicts = RULES.map((rule) => ({ rule, result: rule.evaluate({ state, thresholds, now, delay }) }));
  const lostFires = verdicts.some(({ rule, result }) => rule.kind === 'lost' && result.finding.verdict === 'fire');

  for (const { rule, result } of verdicts) {
    if (result.nextCheckAt !== null && result.nextCheckAt > now) next = Math.min(next, result.nextCheckAt);
    const current = openByKind.get(rule.kind);
    const { finding } = result;
    // A stall that has gone on long enough to count as lost is replaced by the loss.
    if (rule.kind === 'stalled' && lostFires) {
      if (current) evaluation.resolve.push({ exception: current, resolution: 'superseded' });
      continue;
    }
    if (finding.verdict === 'clear') {
      if (current) evaluation.resolve.push({ exception: current, resolution: resolutionFor(state) });
      continue;
    }
    if (finding.verdict === 'hold') continue;
    const fromLevel = current?.level ?? 0;
    if (!current) evaluation.open.push({ kind: rule.kind, severity: severityAt(rule, 0), ruleFired: finding.ruleFired, facts: finding.facts });
    if (finding.level > fromLevel) {
      evaluation.escalate.push({
        exception: current ?? null,
        kind: rule.kind,
        fromSeverity: current?.severity ?? severityAt(rule, 0),
        toSeverity: severityAt(rule, finding.level),
        fromLevel,
        toLevel: finding.level,
        ruleFired: finding.ruleFired,
        facts: finding.facts,
      });
    }
  }

  if (delay !== null) {
    if (delay.nextCheckAt !== null && delay.nextCheckAt > now) next = Math.min(next, delay.nextCheckAt);
    if (delay.daysLate >= 1 && delay.daysLate > input.recordedDaysLate[delay.reference.against]) evaluation.delay = delay;
  }
  evaluation.nextCheckAt = Number.isFinite(next) ? next : null;
  return evaluation;
}
