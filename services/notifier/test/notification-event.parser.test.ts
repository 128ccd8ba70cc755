import { describe, expect, it } from '@jest/globals';
import type { RawMessage } from '@parcelwatch/bus';
import { EVENT_TYPES, createEnvelope } from '@parcelwatch/contracts';
import { notifierEventParser } from '../src/notification-event.parser.js';
import { delayEvent, milestoneEvent } from './event-fixtures.js';

const s = { shipmentId: '3f1c2b5e-8d4a-4c1e-9b7a-1a2b3c4d5e6f', merchantId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' };
const raw = {} as RawMessage;
const parse = (value: unknown) => notifierEventParser(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), raw);

describe('notifier event parser', () => {
  it('validates the events it uses against their schemas', () => {
    expect(parse(milestoneEvent(s, 'delivered', '2025-03-01T10:00:00Z'))).toMatchObject({ ok: true, event: { type: EVENT_TYPES.milestoneReached } });
    expect(parse(delayEvent(s, '2025-03-01T10:00:00Z'))).toMatchObject({ ok: true });
    const broken = milestoneEvent(s, 'delivered', '2025-03-01T10:00:00Z');
    expect(parse({ ...broken, data: { ...broken.data, sequence: 0 } })).toMatchObject({ ok: false, reason: expect.stringContaining('sequence') });
  });

  it('lets the shipment.events it does not use through as envelopes, and dead-letters the unknown', () => {
    const statusChanged = createEnvelope({ type: EVENT_TYPES.statusChanged, source: 'parcelwatch/normalizer', subject: s.shipmentId, merchantid: s.merchantId, data: { anything: true } });
    expect(parse(statusChanged)).toMatchObject({ ok: true, event: { type: EVENT_TYPES.statusChanged } });
    const unknown = createEnvelope({ type: 'parcelwatch.shipment.teleported.v1', source: 'x', subject: s.shipmentId, merchantid: s.merchantId, data: {} });
    expect(parse(unknown)).toEqual({ ok: false, reason: 'not an event the notifier reads (type "parcelwatch.shipment.teleported.v1")' });
    expect(parse('not json')).toMatchObject({ ok: false });
  });
});
