import { describe, expect, it } from '@jest/globals';
import {
  EVENT_TYPES,
  TOPICS,
  createEvent,
  eventSchemasByType,
  parseAnyEvent,
  parseEvent,
  topicOfEventType,
} from '../src/index.js';
import type { EventType, MerchantId, ShipmentId } from '../src/index.js';
import { MERCHANT_ID, SAMPLE_EVENTS, SHIPMENT_ID, checkpoint, withField } from './sample-events.js';

const ALL_TYPES = Object.values(EVENT_TYPES);

/** One malformation per event type, and the path the DLQ reason must name. */
const MALFORMED: Record<EventType, { path: string; value: unknown; reasonIncludes: string }> = {
  'parcelwatch.shipment.registered.v1': { path: 'data.destinationCountry', value: 'USA', reasonIncludes: 'data.destinationCountry' },
  'parcelwatch.shipment.updated.v1': { path: 'data.changes', value: {}, reasonIncludes: 'data.changes: changes must contain' },
  'parcelwatch.tracking.snapshot.captured.v1': { path: 'data.source', value: 'ftp', reasonIncludes: 'data.source' },
  'parcelwatch.shipment.checkpoints_added.v1': { path: 'data.checkpoints', value: [], reasonIncludes: 'data.checkpoints' },
  'parcelwatch.shipment.status_changed.v1': {
    path: 'data.to',
    value: { milestone: 'delivered', reason: 'customs_hold' },
    reasonIncludes: 'data.to.reason',
  },
  'parcelwatch.shipment.milestone_reached.v1': { path: 'data.sequence', value: 0, reasonIncludes: 'data.sequence' },
  'parcelwatch.shipment.exception.opened.v1': { path: 'data.kind', value: 'abducted', reasonIncludes: 'data.kind' },
  'parcelwatch.shipment.exception.escalated.v1': { path: 'data.toSeverity', value: 'apocalyptic', reasonIncludes: 'data.toSeverity' },
  'parcelwatch.shipment.exception.resolved.v1': { path: 'data.resolvedAt', value: '2025-03-10 08:15', reasonIncludes: 'data.resolvedAt' },
  'parcelwatch.shipment.delay.detected.v1': { path: 'data.against', value: 'hoped', reasonIncludes: 'data.against' },
  'parcelwatch.notification.sent.v1': { path: 'data.bodySha256', value: 'ABC', reasonIncludes: 'data.bodySha256' },
  'parcelwatch.notification.failed.v1': { path: 'data.error', value: undefined, reasonIncludes: 'data.error' },
  'parcelwatch.notification.deferred.v1': { path: 'data.deferReason', value: 'bored', reasonIncludes: 'data.deferReason' },
  'parcelwatch.compensation.decided.v1': {
    path: 'data.amount',
    value: { amountMinor: 5.5, currency: 'USD' },
    reasonIncludes: 'data.amount.amountMinor',
  },
  'parcelwatch.compensation.approved.v1': { path: 'data.tier', value: 4, reasonIncludes: 'data.tier' },
  'parcelwatch.compensation.rejected.v1': { path: 'data.reason', value: '', reasonIncludes: 'data.reason' },
  'parcelwatch.compensation.executed.v1': {
    path: 'data.amount',
    value: { amountMinor: 500, currency: 'XYZ' },
    reasonIncludes: 'data.amount.currency',
  },
  'parcelwatch.proof.stored.v1': { path: 'data.objectKey', value: 'elsewhere/x.json', reasonIncludes: 'data.objectKey' },
};

describe('event schemas', () => {
  it('has a schema and a sample for every type, each on exactly one topic', () => {
    expect(Object.keys(eventSchemasByType).sort()).toEqual([...ALL_TYPES].sort());
    const onTopics = TOPICS.flatMap((topic) => topic.eventTypes);
    expect([...onTopics].sort()).toEqual([...ALL_TYPES].sort());
  });

  it.each(ALL_TYPES)('%s: a valid sample parses on its topic, as a value and as JSON bytes', (type) => {
    const sample = SAMPLE_EVENTS[type];
    const topic = topicOfEventType(type);
    const parsed = parseEvent(topic, sample);
    expect(parsed).toEqual({ ok: true, event: sample });
    const fromBytes = parseEvent(topic, Buffer.from(JSON.stringify(sample)));
    expect(fromBytes.ok).toBe(true);
  });

  it.each(ALL_TYPES)('%s: a malformed sample fails with a reason naming the field', (type) => {
    const { path, value, reasonIncludes } = MALFORMED[type];
    const result = parseEvent(topicOfEventType(type), withField(SAMPLE_EVENTS[type], path, value));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain(`invalid ${type}: `);
    expect(result.reason).toContain(reasonIncludes);
  });

  it('refuses a subject that differs from data.shipmentId (the Kafka key would be wrong)', () => {
    const type = EVENT_TYPES.delayDetected;
    const other = '01936b2e-8f00-7a10-9c2d-000000000099';
    const result = parseEvent('shipment.delays', withField(SAMPLE_EVENTS[type], 'subject', other));
    expect(result).toEqual({ ok: false, reason: `invalid ${type}: subject: subject must equal data.shipmentId` });
  });

  it('refuses upper-case ids, so one shipment never has two Kafka keys', () => {
    const result = parseAnyEvent(withField(SAMPLE_EVENTS[EVENT_TYPES.proofStored], 'subject', SHIPMENT_ID.toUpperCase()));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain('subject: must be a lowercase RFC 9562 UUID');
  });

  it('checks the milestone/reason pair and the zone flag inside checkpoints', () => {
    const type = EVENT_TYPES.checkpointsAdded;
    const badPair = { ...checkpoint, milestone: 'delivered', reason: 'departed_origin' };
    const badZone = { ...checkpoint, utcOffsetMinutes: null };
    const result = parseEvent('shipment.events', withField(SAMPLE_EVENTS[type], 'data.checkpoints', [badPair, badZone]));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain('data.checkpoints[0].reason: Invalid option');
    expect(result.reason).toContain('data.checkpoints[1].zoneUnknown: zoneUnknown must be true exactly when');
  });

  it('accepts a checkpoint without zone when it says so, and refuses a local time with an offset', () => {
    const type = EVENT_TYPES.checkpointsAdded;
    const noZone = { ...checkpoint, utcOffsetMinutes: null, zoneUnknown: true };
    expect(parseAnyEvent(withField(SAMPLE_EVENTS[type], 'data.checkpoints', [noZone])).ok).toBe(true);
    const offsetLocal = { ...checkpoint, localTime: '2025-03-01T16:15:00Z' };
    const result = parseAnyEvent(withField(SAMPLE_EVENTS[type], 'data.checkpoints', [offsetLocal]));
    expect(result.ok).toBe(false);
  });

  it('carries a base64 snapshot body with its content type', () => {
    const type = EVENT_TYPES.trackingSnapshotCaptured;
    const xml = { encoding: 'base64', contentType: 'application/xml', body: Buffer.from('<TrackResponse/>').toString('base64') };
    expect(parseAnyEvent(withField(SAMPLE_EVENTS[type], 'data.payload', xml)).ok).toBe(true);
    const notBase64 = { ...xml, body: 'not base64!' };
    const result = parseAnyEvent(withField(SAMPLE_EVENTS[type], 'data.payload', notBase64));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain('data.payload.body');
  });

  it('keeps the number of issues in a reason bounded', () => {
    const result = parseAnyEvent({ type: EVENT_TYPES.shipmentRegistered, data: {} });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toMatch(/\(and \d+ more\)$/);
      expect(result.reason.length).toBeLessThanOrEqual(2000);
    }
  });
});

describe('parseEvent failures before schema validation', () => {
  const sample = SAMPLE_EVENTS[EVENT_TYPES.shipmentRegistered];

  it('names an unknown event type and what the topic expects', () => {
    const result = parseEvent('shipments', withField(sample, 'type', 'parcelwatch.shipment.teleported.v1'));
    expect(result).toEqual({
      ok: false,
      reason:
        'unknown event type "parcelwatch.shipment.teleported.v1" on topic "shipments" ' +
        '(expected parcelwatch.shipment.registered.v1, parcelwatch.shipment.updated.v1)',
    });
  });

  it('refuses a known type on the wrong topic', () => {
    const result = parseEvent('proofs', sample);
    expect(result).toEqual({
      ok: false,
      reason: 'event type "parcelwatch.shipment.registered.v1" belongs on topic "shipments", not "proofs"',
    });
  });

  it('refuses an unknown topic, a non-object, bad JSON and an empty value', () => {
    expect(parseEvent('shipments.dlq', sample)).toEqual({ ok: false, reason: 'unknown topic "shipments.dlq"' });
    expect(parseEvent('shipments', [1, 2])).toEqual({
      ok: false,
      reason: 'not an event: expected a JSON object with a string "type"',
    });
    const badJson = parseEvent('shipments', Buffer.from('{"type":'));
    expect(badJson.ok).toBe(false);
    if (!badJson.ok) expect(badJson.reason).toMatch(/^not valid JSON: /);
    expect(parseEvent('shipments', null)).toEqual({ ok: false, reason: 'empty message: no value' });
  });

  it('parseAnyEvent accepts any known type and refuses unknown ones', () => {
    expect(parseAnyEvent(SAMPLE_EVENTS[EVENT_TYPES.proofStored]).ok).toBe(true);
    expect(parseAnyEvent({ type: 'parcelwatch.nope.v1' })).toEqual({
      ok: false,
      reason: 'unknown event type "parcelwatch.nope.v1"',
    });
  });
});

describe('createEvent', () => {
  it('builds an envelope whose subject is the shipment id, and which parses', () => {
    const data = SAMPLE_EVENTS[EVENT_TYPES.delayDetected].data as never;
    const event = createEvent(EVENT_TYPES.delayDetected, {
      data,
      merchantid: MERCHANT_ID as MerchantId,
      source: 'parcelwatch/detector',
      id: 'delay-1',
      time: '2025-03-19T05:00:00.000Z',
    });
    expect(event.subject).toBe(SHIPMENT_ID as ShipmentId);
    expect(event.type).toBe('parcelwatch.shipment.delay.detected.v1');
    expect(parseEvent('shipment.delays', event)).toEqual({ ok: true, event });
  });
});

describe('shipment.registered buyer profile', () => {
  const registered = SAMPLE_EVENTS['parcelwatch.shipment.registered.v1'];

  it('still reads an event written before buyers had an id, an order count and per-currency spend', () => {
    const older = withField(registered, 'data.buyer', { contactId: null, locale: 'en-US', timeZone: null, lifetimeSpend: null });
    expect(parseEvent('shipments', older).ok).toBe(true);
  });

  it('refuses a buyer id that is not a lowercase UUID, and a negative order count', () => {
    for (const [path, value] of [['data.buyer.buyerId', 'Jane@example.com'], ['data.buyer.orderCount', -1]] as const) {
      const parsed = parseEvent('shipments', withField(registered, path, value));
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toContain(path);
    }
  });
});
