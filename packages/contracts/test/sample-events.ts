import type { EventType } from '../src/index.js';

/** One valid event per type, as a producer would serialize it. */
export const SHIPMENT_ID = '01936b2e-8f00-7a10-9c2d-3e4f5a6b7c8d';
export const MERCHANT_ID = '01936b2e-8f00-7a10-8000-000000000001';
const SNAPSHOT_ID = '01936b2e-9000-7b20-a000-00000000000a';
const CHECKPOINT_ID = '01936b2e-9000-7b20-a000-00000000000b';
const EXCEPTION_ID = '01936b2e-9000-7b20-a000-00000000000c';
const NOTIFICATION_ID = '01936b2e-9000-7b20-a000-00000000000d';
const COMPENSATION_ID = '01936b2e-9000-7b20-a000-00000000000e';
const PROOF_ID = '01936b2e-9000-7b20-a000-00000000000f';
const SHA = 'a'.repeat(64);
const TRIGGER = { type: 'parcelwatch.shipment.delay.detected.v1', id: 'evt-1' };

function envelope(type: EventType, data: Record<string, unknown>): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: `evt-${type}`,
    type,
    source: 'parcelwatch/test',
    subject: SHIPMENT_ID,
    time: '2025-03-01T08:15:00.000Z',
    datacontenttype: 'application/json',
    merchantid: MERCHANT_ID,
    data: { shipmentId: SHIPMENT_ID, ...data },
  };
}

export const checkpoint = {
  checkpointId: CHECKPOINT_ID,
  occurredAt: '2025-03-01T08:15:00Z',
  localTime: '2025-03-01T16:15:00',
  utcOffsetMinutes: 480,
  zoneUnknown: false,
  location: { city: 'Shenzhen', region: 'Guangdong', postalCode: null, countryCode: 'CN', text: 'Shenzhen Hub' },
  milestone: 'in_transit',
  reason: 'departed_origin',
  rawCode: 'DEP',
  rawText: 'Departed from origin facility',
  source: 'poll',
  provider: '17track',
  snapshotId: SNAPSHOT_ID,
};

const compensationBase = {
  compensationId: COMPENSATION_ID,
  tier: 1,
  action: 'store_coupon',
  addOns: [],
  amount: { amountMinor: 500, currency: 'USD' },
  policyVersion: '2025-03-01',
  ruleFired: 'tier1.coupon',
};

const notificationBase = {
  notificationId: NOTIFICATION_ID,
  channel: 'email',
  template: 'delay_apology',
  locale: 'en-US',
  trigger: TRIGGER,
  attempt: 1,
  providerMessageId: null,
};

const exceptionBase = { exceptionId: EXCEPTION_ID, kind: 'stalled' };

export const SAMPLE_EVENTS: Record<EventType, Record<string, unknown>> = {
  'parcelwatch.shipment.registered.v1': envelope('parcelwatch.shipment.registered.v1', {
    orderRef: 'TT-5770012',
    marketplace: 'tiktok_shop',
    trackingNumber: 'YT2412345678901234',
    carrier: 'yunexpress',
    provider: null,
    originCountry: 'CN',
    destinationCountry: 'US',
    buyer: {
      contactId: '01936b2e-9000-7b20-a000-000000000010',
      buyerId: '5c1f0e2a-77d4-8a31-9b0e-4d2c6f1a8e03',
      locale: 'en-US',
      timeZone: 'America/New_York',
      lifetimeSpend: { amountMinor: 64_000, currency: 'USD' },
      lifetimeSpendByCurrency: [{ amountMinor: 64_000, currency: 'USD' }],
      orderCount: 9,
    },
    orderValue: { amountMinor: 2_999, currency: 'USD' },
    promisedDeliveryDate: '2025-03-14',
    shippedAt: '2025-03-01T02:00:00Z',
    registeredAt: '2025-03-01T02:05:00Z',
    registrationSource: 'api',
  }),
  'parcelwatch.shipment.updated.v1': envelope('parcelwatch.shipment.updated.v1', {
    updatedAt: '2025-03-02T10:00:00Z',
    changes: { trackingNumber: 'YT2412345678909999', carrier: 'yunexpress' },
  }),
  'parcelwatch.tracking.snapshot.captured.v1': envelope('parcelwatch.tracking.snapshot.captured.v1', {
    snapshotId: SNAPSHOT_ID,
    provider: '17track',
    carrier: 'yunexpress',
    trackingNumber: 'YT2412345678901234',
    source: 'poll',
    fetchedAt: '2025-03-01T09:00:00.123Z',
    httpStatus: 200,
    sha256: SHA,
    payload: { encoding: 'json', body: { code: 0, data: { accepted: [{ number: 'YT2412345678901234' }] } } },
    metadata: { requestId: 'req-1', attempt: 1, durationMs: 240 },
  }),
  'parcelwatch.shipment.checkpoints_added.v1': envelope('parcelwatch.shipment.checkpoints_added.v1', {
    carrier: 'yunexpress',
    snapshotId: SNAPSHOT_ID,
    checkpoints: [checkpoint],
    timelineSize: 3,
  }),
  'parcelwatch.shipment.status_changed.v1': envelope('parcelwatch.shipment.status_changed.v1', {
    from: { milestone: 'info_received', reason: 'label_created' },
    to: { milestone: 'in_transit', reason: 'departed_origin' },
    cause: 'checkpoint',
    checkpointId: CHECKPOINT_ID,
    occurredAt: '2025-03-01T08:15:00Z',
  }),
  'parcelwatch.shipment.milestone_reached.v1': envelope('parcelwatch.shipment.milestone_reached.v1', {
    journeyMilestone: 'departed_origin_country',
    sequence: 1,
    checkpointId: CHECKPOINT_ID,
    status: { milestone: 'in_transit', reason: 'departed_origin' },
    occurredAt: '2025-03-01T08:15:00Z',
    location: checkpoint.location,
  }),
  'parcelwatch.shipment.exception.opened.v1': envelope('parcelwatch.shipment.exception.opened.v1', {
    ...exceptionBase,
    severity: 'medium',
    openedAt: '2025-03-07T08:15:00Z',
    ruleFired: 'stalled@v1',
    status: { milestone: 'in_transit', reason: 'arrived_hub' },
    lastCheckpointAt: '2025-03-02T08:15:00Z',
    checkpointId: null,
    facts: { daysWithoutScan: 5.2, thresholdDays: 5, postalLane: false },
  }),
  'parcelwatch.shipment.exception.escalated.v1': envelope('parcelwatch.shipment.exception.escalated.v1', {
    ...exceptionBase,
    fromSeverity: 'medium',
    toSeverity: 'high',
    level: 1,
    escalatedAt: '2025-03-09T08:15:00Z',
    ruleFired: 'stalled@v1:escalate',
    facts: { daysWithoutScan: 7.1, thresholdDays: 5 },
  }),
  'parcelwatch.shipment.exception.resolved.v1': envelope('parcelwatch.shipment.exception.resolved.v1', {
    ...exceptionBase,
    resolution: 'progressed',
    resolvedAt: '2025-03-10T08:15:00Z',
    resolvedBy: { kind: 'system', ref: null },
    checkpointId: CHECKPOINT_ID,
  }),
  'parcelwatch.shipment.delay.detected.v1': envelope('parcelwatch.shipment.delay.detected.v1', {
    daysLate: 4,
    against: 'promised',
    referenceDate: '2025-03-14',
    timeZone: 'America/New_York',
    tier: 1,
    detectedAt: '2025-03-19T05:00:00Z',
    status: { milestone: 'in_transit', reason: 'customs_processing' },
    lastCheckpointAt: '2025-03-12T08:15:00Z',
  }),
  'parcelwatch.notification.sent.v1': envelope('parcelwatch.notification.sent.v1', {
    ...notificationBase,
    providerMessageId: 'smtp-<abc@mail>',
    status: 'sent',
    bodySha256: SHA,
    sentAt: '2025-03-19T13:00:00Z',
  }),
  'parcelwatch.notification.failed.v1': envelope('parcelwatch.notification.failed.v1', {
    ...notificationBase,
    status: 'failed',
    bodySha256: SHA,
    failedAt: '2025-03-19T13:00:00Z',
    error: { code: 'smtp_550', message: 'mailbox unavailable', retriable: false },
  }),
  'parcelwatch.notification.deferred.v1': envelope('parcelwatch.notification.deferred.v1', {
    ...notificationBase,
    status: 'deferred',
    bodySha256: null,
    deferredAt: '2025-03-19T03:00:00Z',
    deferredUntil: '2025-03-19T12:00:00Z',
    deferReason: 'quiet_hours',
  }),
  'parcelwatch.compensation.decided.v1': envelope('parcelwatch.compensation.decided.v1', {
    ...compensationBase,
    approval: 'automatic',
    channel: 'fast',
    evidenceRequired: false,
    orderValue: { amountMinor: 2_999, currency: 'USD' },
    trigger: TRIGGER,
    supersedes: null,
    decidedAt: '2025-03-19T05:01:00Z',
  }),
  'parcelwatch.compensation.approved.v1': envelope('parcelwatch.compensation.approved.v1', {
    ...compensationBase,
    approvedBy: { kind: 'system', ref: null },
    approvedAt: '2025-03-19T05:01:00Z',
  }),
  'parcelwatch.compensation.rejected.v1': envelope('parcelwatch.compensation.rejected.v1', {
    ...compensationBase,
    rejectedBy: { kind: 'user', ref: 'user-42' },
    rejectedAt: '2025-03-19T09:00:00Z',
    reason: 'budget_cap_reached',
  }),
  'parcelwatch.compensation.executed.v1': envelope('parcelwatch.compensation.executed.v1', {
    ...compensationBase,
    executedAt: '2025-03-19T05:02:00Z',
    executionRef: 'coupon-123',
  }),
  'parcelwatch.proof.stored.v1': envelope('parcelwatch.proof.stored.v1', {
    proofId: PROOF_ID,
    kind: 'delivery',
    objectKey: `proofs/${MERCHANT_ID}/${SHIPMENT_ID}/delivery/20250320T101500Z-${SHA}.manifest.json`,
    manifestSha256: SHA,
    previousSha256: null,
    partCount: 4,
    sizeBytes: 183_204,
    retainUntil: '2032-03-20T10:15:00Z',
    storedAt: '2025-03-20T10:15:00Z',
    trigger: { type: 'parcelwatch.shipment.milestone_reached.v1', id: 'evt-9' },
  }),
};

/** Deep copy with one field replaced, addressed by a dotted path ("data.checkpoints.0.reason"). */
export function withField(event: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(event);
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = copy as Record<string, unknown>;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}
