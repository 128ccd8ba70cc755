import {
  createEvent,
  EVENT_TYPES,
  idFromName,
  REASONS_BY_MILESTONE,
  type Envelope,
  type ExceptionEscalatedEvent,
  type ExceptionKind,
  type ExceptionOpenedEvent,
  type Milestone,
  type Severity,
} from '@parcelwatch/contracts';
import type { DelayAssessment } from './domain/delay.policy.js';
import type { Facts, Resolution } from './domain/detection.types.js';

export const DETECTOR_SOURCE = 'parcelwatch/detector';

/** The reason a milestone falls back to when the stored one is missing or not valid for it. */
const FALLBACK_REASON: Partial<Record<Milestone, string>> = {
  info_received: 'label_created',
  in_transit: 'in_transit_other',
  out_for_delivery: 'out_for_delivery',
  available_for_pickup: 'at_pickup_point',
  failed_attempt: 'other',
  delivered: 'other',
  exception: 'other',
};

/** The shipment's status as the contract's milestone + reason pair (the reason must belong to the milestone). */
export function eventStatus(milestone: Milestone, reason: string | null): { milestone: Milestone; reason: string | null } {
  const reasons: readonly string[] = REASONS_BY_MILESTONE[milestone];
  if (reasons.length === 0) return { milestone, reason: null };
  return { milestone, reason: reason !== null && reasons.includes(reason) ? reason : (FALLBACK_REASON[milestone] ?? reasons[0] ?? null) };
}

/**
 * The detector's events. Ids are derived from what they announce (the exception and step, or
 * the shipment + reference + days late), so a step written once is announced under one id even
 * if a replay rebuilds the event.
 */
interface Base {
  shipmentId: string;
  merchantId: string;
  at: string;
}

/**
 * The data is built, not parsed: it fits the contract by construction. Ids are minted by newId
 * or read from uuid columns, instants come from toISOString, the status pair from eventStatus,
 * and each rule's facts are typed as its kind's schema reads them (Rule<K> in
 * detection.types.ts), so a rule that emits the wrong facts fails to compile rather than in
 * every consumer's dead-letter queue. Parsing every event whole (uuid and instant patterns, the
 * union of kinds) showed in a sweep's CPU profile, for thousands of events a batch. The tests
 * parse what the rules and the detector produce with the contract's schemas; consumers parse
 * what they receive.
 */
export function exceptionOpenedEvent(input: Base & {
  exceptionId: string;
  kind: ExceptionKind;
  severity: Severity;
  ruleFired: string;
  status: Milestone;
  statusReason: string | null;
  lastCheckpointAt: string | null;
  facts: Facts;
}): Envelope {
  const data = {
    shipmentId: input.shipmentId,
    exceptionId: input.exceptionId,
    kind: input.kind,
    severity: input.severity,
    openedAt: input.at,
    ruleFired: input.ruleFired,
    status: eventStatus(input.status, input.statusReason),
    lastCheckpointAt: input.lastCheckpointAt,
    checkpointId: null,
    facts: input.facts,
  } as ExceptionOpenedEvent['data'];
  return createEvent(EVENT_TYPES.exceptionOpened, {
    id: idFromName('exception-opened', input.exceptionId),
    source: DETECTOR_SOURCE,
    merchantid: input.merchantId as never,
    time: input.at,
    data,
  });
}

export function exceptionEscalatedEvent(input: Base & {
  exceptionId: string;
  kind: ExceptionKind;
  fromSeverity: Severity;
  toSeverity: Severity;
  level: number;
  ruleFired: string;
  facts: Facts;
}): Envelope {
  const data = {
    shipmentId: input.shipmentId,
    exceptionId: input.exceptionId,
    kind: input.kind,
    fromSeverity: input.fromSeverity,
    toSeverity: input.toSeverity,
    level: input.level,
    escalatedAt: input.at,
    ruleFired: input.ruleFired,
    facts: input.facts,
  } as ExceptionEscalatedEvent['data'];
  return createEvent(EVENT_TYPES.exceptionEscalated, {
    id: idFromName('exception-escalated', input.exceptionId, String(input.level)),
    source: DETECTOR_SOURCE,
    merchantid: input.merchantId as never,
    time: input.at,
    data,
  });
}

export function exceptionResolvedEvent(input: Base & { exceptionId: string; kind: ExceptionKind; resolution: Resolution }): Envelope {
  return createEvent(EVENT_TYPES.exceptionResolved, {
    id: idFromName('exception-resolved', input.exceptionId),
    source: DETECTOR_SOURCE,
    merchantid: input.merchantId as never,
    time: input.at,
    data: {
      shipmentId: input.shipmentId as never,
      exceptionId: input.exceptionId as never,
      kind: input.kind,
      resolution: input.resolution,
      resolvedAt: input.at,
      resolvedBy: { kind: 'system', ref: 'detector' },
      checkpointId: null,
    },
  });
}

export function delayDetectedEvent(input: Base & { delay: DelayAssessment; status: Milestone; statusReason: string | null; lastCheckpointAt: string | null }): Envelope {
  const { delay } = input;
  return createEvent(EVENT_TYPES.delayDetected, {
    id: idFromName('delay-detected', input.shipmentId, delay.reference.against, String(delay.daysLate)),
    source: DETECTOR_SOURCE,
    merchantid: input.merchantId as never,
    time: input.at,
    data: {
      shipmentId: input.shipmentId as never,
      daysLate: delay.daysLate,
      against: delay.reference.against,
      referenceDate: delay.reference.date,
      timeZone: delay.reference.timeZone,
      tier: delay.tier,
      detectedAt: input.at,
      status: eventStatus(input.status, input.statusReason) as never,
      lastCheckpointAt: input.lastCheckpointAt,
    },
  });
}
