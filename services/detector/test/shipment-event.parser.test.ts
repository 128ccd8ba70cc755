import { describe, expect, it } from '@jest/globals';
import { createEvent, EVENT_TYPES, idFromName } from '@parcelwatch/contracts';
import { shipmentEventParser } from '../src/shipment-event.handler.js';

const shipmentId = idFromName('parser', 'shipment');
const raw = { topic: 't', partition: 0, offset: '0', key: shipmentId, value: null, headers: {}, timestamp: '0' };
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('the detector parser', () => {
  it('accepts the normalizer and registration events it reacts to', () => {
    const event = createEvent(EVENT_TYPES.statusChanged, {
      merchantid: idFromName('merchant', 'm') as never,
      source: 'parcelwatch/normalizer',
      data: { shipmentId: shipmentId as never, from: null, to: { milestone: 'delivered', reason: 'signed' } as never, cause: 'checkpoint', checkpointId: idFromName('c', '1') as never, occurredAt: '2025-03-01T00:00:00Z' },
    });
    expect(shipmentEventParser(bytes(event), raw)).toMatchObject({ ok: true, event: { subject: shipmentId } });
  });
  it.each([
    ['not JSON', '{"specversion":', /not valid JSON/],
    ['an unknown type', { type: 'parcelwatch.nothing.v1' }, /unknown event type/],
    ['an event of another topic', createEvent(EVENT_TYPES.delayDetected, { merchantid: 'm' as never, source: 's', data: { shipmentId } as never }), /not for the detector/],
    ['an invalid statusChanged', { ...createEvent(EVENT_TYPES.statusChanged, { merchantid: 'm' as never, source: 's', data: { shipmentId } as never }) }, /invalid parcelwatch.shipment.status_changed.v1/],
  ])('refuses %s with a reason for the DLQ', (_label, value, reason) => {
    const outcome = shipmentEventParser(bytes(value), raw);
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : outcome.reason).toMatch(reason);
  });
});
