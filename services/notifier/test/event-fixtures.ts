import {
  EVENT_TYPES,
  createEnvelope,
  idFromName,
  exceptionEscalatedEventSchema,
  exceptionOpenedEventSchema,
  type AnyExceptionFactsInput,
  type CompensationAction,
  type CompensationApprovedEvent,
  type CompensationCause,
  type CompensationDecidedEvent,
  type DelayDetectedEvent,
  type ExceptionEscalatedEvent,
  type ExceptionKind,
  type ExceptionOpenedEvent,
  type JourneyMilestone,
  type MilestoneReachedEvent,
  type MilestoneStatus,
  type Money,
} from '@parcelwatch/contracts';

/** Events as the normalizer, detector and compensation publish them, for one shipment. */
export interface EventShipment {
  shipmentId: string;
  merchantId: string;
}

const STATUS: Record<JourneyMilestone, MilestoneStatus> = {
  shipped: { milestone: 'in_transit', reason: 'picked_up' },
  departed_origin_country: { milestone: 'in_transit', reason: 'departed_origin' },
  customs_cleared: { milestone: 'in_transit', reason: 'customs_released' },
  out_for_delivery: { milestone: 'out_for_delivery', reason: 'out_for_delivery' },
  failed_attempt: { milestone: 'failed_attempt', reason: 'recipient_unavailable' },
  available_for_pickup: { milestone: 'available_for_pickup', reason: 'at_pickup_point' },
  delivered: { milestone: 'delivered', reason: 'signed' },
};

function envelope<T>(s: EventShipment, type: string, source: string, time: string, data: T, id?: string) {
  return createEnvelope({ id: id ?? idFromName('test-event', s.shipmentId, type, JSON.stringify(data)), type, source, subject: s.shipmentId, merchantid: s.merchantId, time, data });
}

export function milestoneEvent(s: EventShipment, milestone: JourneyMilestone, occurredAt: string, sequence = 1, id?: string): MilestoneReachedEvent {
  const data = {
    shipmentId: s.shipmentId,
    journeyMilestone: milestone,
    sequence,
    checkpointId: idFromName('checkpoint', s.shipmentId, milestone, String(sequence)),
    status: STATUS[milestone],
    occurredAt,
    location: milestone === 'available_for_pickup' ? { city: 'Berlin', region: null, postalCode: null, countryCode: 'DE', text: 'Packstation 123' } : null,
  };
  return envelope(s, EVENT_TYPES.milestoneReached, 'parcelwatch/normalizer', occurredAt, data, id) as MilestoneReachedEvent;
}

/** Facts as the detector's rules write them, per kind, for tests that do not care about them. */
const SAMPLE_FACTS: Record<ExceptionKind, AnyExceptionFactsInput> = {
  not_picked_up: { hoursWithoutScan: 80, thresholdHours: 72 },
  stalled: { daysWithoutScan: 6.2, thresholdDays: 5, postalLane: false },
  customs_hold: { hoursInCustoms: 50, thresholdHours: 48, hoursHeld: 50, reminders: 0 },
  delivery_overdue: { hoursOutForDelivery: 25, thresholdHours: 24 },
  failed_delivery: { failedAttempts: 1, lastReason: 'recipient_unavailable' },
  pickup_uncollected: { daysAtPickupPoint: 5.1, thresholdDays: 5, reminders: 0 },
  returning: { cause: 'unknown', carrierFault: false, causeCode: null },
  lost: { carrierReason: 'lost' },
  damaged: {},
  late: { daysLate: 3, promisedDate: '2025-03-10', timeZone: 'Europe/Berlin', tier: 1 },
};

/** Parsed with the contract's schema, as every consumer does: the facts must fit their kind. */
export function exceptionOpenedEvent(s: EventShipment, kind: ExceptionKind, openedAt: string, facts: AnyExceptionFactsInput = SAMPLE_FACTS[kind], ruleFired = `${kind}@v1`): ExceptionOpenedEvent {
  const data = {
    shipmentId: s.shipmentId,
    exceptionId: idFromName('exception', s.shipmentId, kind),
    kind,
    severity: 'medium' as const,
    openedAt,
    ruleFired,
    status: { milestone: 'in_transit' as const, reason: 'customs_processing' as const },
    lastCheckpointAt: null,
    checkpointId: null,
    facts,
  };
  return exceptionOpenedEventSchema.parse(envelope(s, EVENT_TYPES.exceptionOpened, 'parcelwatch/detector', openedAt, data));
}

export function exceptionEscalatedEvent(s: EventShipment, kind: ExceptionKind, escalatedAt: string, level = 1, facts: AnyExceptionFactsInput = SAMPLE_FACTS[kind]): ExceptionEscalatedEvent {
  const data = {
    shipmentId: s.shipmentId,
    exceptionId: idFromName('exception', s.shipmentId, kind),
    kind,
    fromSeverity: 'medium' as const,
    toSeverity: 'high' as const,
    level,
    escalatedAt,
    ruleFired: `${kind}@v1:escalated`,
    facts,
  };
  return exceptionEscalatedEventSchema.parse(envelope(s, EVENT_TYPES.exceptionEscalated, 'parcelwatch/detector', escalatedAt, data));
}

export function delayEvent(s: EventShipment, detectedAt: string, daysLate = 3): DelayDetectedEvent {
  const data = {
    shipmentId: s.shipmentId,
    daysLate,
    against: 'promised' as const,
    referenceDate: '2025-03-10',
    timeZone: 'Europe/Berlin',
    tier: 1 as const,
    detectedAt,
    status: { milestone: 'in_transit' as const, reason: 'arrived_hub' as const },
    lastCheckpointAt: null,
  };
  return envelope(s, EVENT_TYPES.delayDetected, 'parcelwatch/detector', detectedAt, data) as DelayDetectedEvent;
}

export function compensationDecidedEvent(
  s: EventShipment,
  decidedAt: string,
  input: { tier: 1 | 2 | 3; action: CompensationAction; amount: Money | null; approval?: 'automatic' | 'supervisor' | 'manager'; addOns?: CompensationAction[]; cause?: CompensationCause },
): CompensationDecidedEvent {
  const data = {
    shipmentId: s.shipmentId,
    compensationId: idFromName('compensation', s.shipmentId, String(input.tier)),
    tier: input.tier,
    action: input.action,
    addOns: input.addOns ?? [],
    amount: input.amount,
    policyVersion: '2026-11-23.1',
    ruleFired: `tier${input.tier}.${input.action}`,
    ...(input.cause === undefined ? {} : { cause: input.cause }),
    approval: input.approval ?? 'automatic',
    channel: 'fast' as const,
    evidenceRequired: false,
    orderValue: null,
    trigger: { type: EVENT_TYPES.delayDetected, id: 'delay-1' },
    supersedes: null,
    decidedAt,
  };
  return envelope(s, EVENT_TYPES.compensationDecided, 'parcelwatch/compensation', decidedAt, data) as CompensationDecidedEvent;
}

export function compensationApprovedEvent(decided: CompensationDecidedEvent, approvedAt: string): CompensationApprovedEvent {
  const { approval: _a, channel: _c, evidenceRequired: _e, orderValue: _o, trigger: _t, supersedes: _s, decidedAt: _d, ...base } = decided.data;
  const data = { ...base, approvedBy: { kind: 'user' as const, ref: 'supervisor-1' }, approvedAt };
  return envelope({ shipmentId: decided.subject, merchantId: decided.merchantid }, EVENT_TYPES.compensationApproved, 'parcelwatch/compensation', approvedAt, data) as CompensationApprovedEvent;
}
