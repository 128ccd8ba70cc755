import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EmbeddedBus } from '@parcelwatch/bus';
import { EVENT_TYPES, idFromName, parseAnyEvent } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, setNextCheckAt, upsertDetectionOverride, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { createDetectorService } from '../src/app.js';
import { delayRows, exceptionRows, nextCheckAt, outboxEvents, seedShipments, STORE_MERCHANT_ID } from './store.fixtures.js';

// The sweep end to end on PGlite (the embedded engine): claim, evaluate, write exceptions,
// delays, deadlines and outbox events; again later; and the same state twice changes nothing.

const logger = createLogger({ name: 'detector-store', level: 'silent' });
const id = (name: string) => idFromName('detector-store', name);

describe('the detector sweep on PGlite', () => {
  let db: Kysely<Database>;
  const bus = new EmbeddedBus({ logger });
  const clock = fixedClock('2025-03-10T12:00:00Z');

  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    await seedShipments(db, [
      // Stalled since 1 March (courier: 5 days) and promised for 5 March in New York.
      { id: id('stalled'), status: 'in_transit', status_reason: 'arrived_hub', status_at: '2025-03-01T00:00:00Z', last_checkpoint_at: '2025-03-01T00:00:00Z',
        picked_up_at: '2025-02-27T00:00:00Z', promised_delivery_date: '2025-03-05', next_check_at: '2025-03-06T00:00:00Z' },
      // Not due yet: its deadline is tomorrow.
      { id: id('later'), status: 'in_transit', status_reason: 'arrived_hub', status_at: '2025-03-07T00:00:00Z', last_checkpoint_at: '2025-03-07T00:00:00Z',
        picked_up_at: '2025-03-06T00:00:00Z', next_check_at: '2025-03-11T00:00:00Z' },
      // A label 4 days old, never scanned, on a merchant whose override gives 120 h.
      { id: id('label'), status: 'info_received', status_reason: 'label_created', info_received_at: '2025-03-06T10:00:00Z', last_checkpoint_at: '2025-03-06T10:00:00Z',
        next_check_at: '2025-03-09T10:00:00Z' },
      // Inactive shipments are never swept: the poller's stop takes them off the schedule.
      { id: id('inactive'), active: false, status: 'in_transit', last_checkpoint_at: '2025-01-01T00:00:00Z', picked_up_at: '2025-01-01T00:00:00Z', next_check_at: '2025-01-02T00:00:00Z' },
    ]);
    await upsertDetectionOverride(db, { rule: 'not_picked_up', carrier: null, originCountry: null, destinationCountry: null, merchantId: STORE_MERCHANT_ID, threshold: { hours: 120 } });
  });

  afterAll(async () => {
    await bus.disconnect();
    await db?.destroy();
  });

  it('opens, records and announces what is due, sets the next deadlines, and is idempotent', async () => {
    const detector = createDetectorService({ logger, clock, db, bus, sweep: { enabled: false, batchSize: 2 } });
    const counts = await detector.sweepOnce();
    expect(counts).toMatchObject({ shipments: 2, opened: 2, delays: 1 });

    expect(await exceptionRows(db)).toEqual([
      expect.objectContaining({ shipment_id: id('stalled'), kind: 'late', status: 'escalated', severity: 'medium', escalation_count: 1 }),
      expect.objectContaining({ shipment_id: id('stalled'), kind: 'stalled', status: 'open', severity: 'medium', details: expect.objectContaining({ ruleFired: 'stalled@v1' }) }),
    ]);
    // 5 March ended at 05:00 UTC on the 6th in New York; at noon UTC on the 10th (08:00 EDT) it is day 5.
    expect(await delayRows(db)).toEqual([{ shipment_id: id('stalled'), against: 'promised', days_late: 5, tier: 1 }]);
    // The label's override (120 h) puts its check at 10:00 on the 11th; the stalled parcel's at the next New York midnight.
    expect(await nextCheckAt(db, id('label'))).toBe('2025-03-11T10:00:00.000Z');
    expect(await nextCheckAt(db, id('stalled'))).toBe('2025-03-11T04:00:00.000Z');
    expect(await nextCheckAt(db, id('later'))).toBe('2025-03-11T00:00:00.000Z');

    const events = await outboxEvents(db);
    expect(events.map((e) => [e.topic, e.event.type])).toEqual([
      ['shipment.exceptions', EVENT_TYPES.exceptionOpened],
      ['shipment.exceptions', EVENT_TYPES.exceptionOpened],
      ['shipment.exceptions', EVENT_TYPES.exceptionEscalated],
      ['shipment.delays', EVENT_TYPES.delayDetected],
    ]);
    for (const e of events) {
      expect(e.key).toBe(id('stalled'));
      expect(parseAnyEvent(e.event)).toEqual(expect.objectContaining({ ok: true }));
    }
    expect(events[3]?.event.data).toMatchObject({ daysLate: 5, tier: 1, against: 'promised', referenceDate: '2025-03-05', timeZone: 'America/New_York' });

    // Nothing is due any more at the same instant; the same state evaluated again writes nothing.
    expect(await detector.sweepOnce()).toMatchObject({ shipments: 0, events: 0 });
    await setNextCheckAt(db, [{ id: id('stalled'), nextCheckAt: new Date('2025-03-01T00:00:00Z') }]);
    expect(await detector.sweepOnce()).toMatchObject({ shipments: 1, opened: 0, escalated: 0, resolved: 0, delays: 0, events: 0 });
    expect(await outboxEvents(db)).toHaveLength(4);
  });

  it('a day later: the delay grows, the label crosses its override; a new scan resolves the stall', async () => {
    clock.set('2025-03-11T12:00:00Z');
    const detector = createDetectorService({ logger, clock, db, bus, sweep: { enabled: false } });
    expect(await detector.sweepOnce()).toMatchObject({ shipments: 3, opened: 1, delays: 1 });
    expect((await delayRows(db)).map((d) => d.days_late)).toEqual([5, 6]);
    expect((await exceptionRows(db)).filter((e) => e.shipment_id === id('label')).map((e) => e.kind)).toEqual(['not_picked_up']);

    // The normalizer records a new scan and the detector hears of it: the stall resolves as progressed.
    await db.updateTable('shipments').set({ status_reason: 'departed_hub', status_at: '2025-03-11T11:00:00Z', last_checkpoint_at: '2025-03-11T11:00:00Z' }).where('id', '=', id('stalled')).execute();
    await setNextCheckAt(db, [{ id: id('stalled'), nextCheckAt: new Date('2025-03-11T12:00:00Z') }]);
    expect(await detector.sweepOnce()).toMatchObject({ shipments: 1, resolved: 1 });
    expect((await exceptionRows(db)).find((e) => e.shipment_id === id('stalled') && e.kind === 'stalled')).toMatchObject({ status: 'resolved', resolution: 'progressed' });
    const last = (await outboxEvents(db)).at(-1);
    expect(last?.event).toMatchObject({ type: EVENT_TYPES.exceptionResolved, data: { kind: 'stalled', resolution: 'progressed' } });
  });

  it('with no promised date, judges lateness by the lane history once it has 30 deliveries', async () => {
    // 30 DHL CN -> DE deliveries taking 5..34 days: p90 = 31.1 days, so the estimate is pickup + 32 days.
    const now = clock.now().toMillis();
    await seedShipments(db, Array.from({ length: 30 }, (_, i) => ({
      id: id(`history-${i}`), carrier: 'dhl', destination_country: 'DE', active: false, status: 'delivered' as const, status_reason: 'signed',
      picked_up_at: new Date(now - 60 * 86_400_000).toISOString(), delivered_at: new Date(now - (60 - 5 - i) * 86_400_000).toISOString(),
    })));
    await seedShipments(db, [{ id: id('estimated'), carrier: 'dhl', destination_country: 'DE', buyer_timezone: 'Europe/Berlin', status: 'in_transit',
      status_reason: 'arrived_destination_country', status_at: '2025-03-10T00:00:00Z', last_checkpoint_at: '2025-03-10T00:00:00Z',
      picked_up_at: '2025-02-01T00:00:00Z', next_check_at: '2025-03-01T00:00:00Z' }]);
    const detector = createDetectorService({ logger, clock, db, bus, sweep: { enabled: false } });
    expect(await detector.sweepOnce()).toMatchObject({ shipments: 1, delays: 1 });
    // 1 Feb + 32 days = 5 March (Berlin); on 11 March it is 6 days late. The defaults (p90 20 days) would say 18.
    expect((await delayRows(db)).filter((d) => d.shipment_id === id('estimated'))).toEqual([{ shipment_id: id('estimated'), against: 'estimated', days_late: 6, tier: 1 }]);
    expect((await outboxEvents(db)).at(-1)?.event.data).toMatchObject({ against: 'estimated', referenceDate: '2025-03-05', timeZone: 'Europe/Berlin', daysLate: 6 });
  });

  it('keeps shipments the poller stopped off the schedule, and drops a deadline left behind when it comes due', async () => {
    expect(await nextCheckAt(db, id('inactive'))).toBeNull();
    // A deadline written for it anyway (by hand here) is claimed once and removed, with nothing evaluated.
    await setNextCheckAt(db, [{ id: id('inactive'), nextCheckAt: new Date('2025-03-01T00:00:00Z') }]);
    expect(await nextCheckAt(db, id('inactive'))).toBe('2025-03-01T00:00:00.000Z');
    const detector = createDetectorService({ logger, clock, db, bus, sweep: { enabled: false } });
    await detector.sweepOnce();
    expect(await nextCheckAt(db, id('inactive'))).toBeNull();
    expect((await exceptionRows(db)).filter((e) => e.shipment_id === id('inactive'))).toEqual([]);
  });
});
