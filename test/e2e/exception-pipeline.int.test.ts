import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEnvelope, EVENT_TYPES, idFromName } from '@parcelwatch/contracts';
import { diffOutcomes, storedOutcomes, type Outcome } from './exception-pipeline.expectations.js';
import { ExceptionPipeline, type ExceptionRun } from './exception-pipeline.fixture.js';
import { planShipments, type PlannedShipment } from './exception-pipeline.journeys.js';

const planned: PlannedShipment[] = planShipments();
const expected: Outcome[] = planned.map(({ expected: { ambiguous: _ambiguous, ...outcome } }) => outcome);
const label = (trackingNumber: string) => {
  const p = planned.find((x) => x.journey.trackingNumber === trackingNumber);
  return p ? `${trackingNumber} (${p.spec}, ${p.postal ? 'postal' : 'courier'}, promised ${p.promisedDeliveryDate} ${p.journey.destination.zone}, ${p.orderValue.amountMinor} ${p.orderValue.currency})` : trackingNumber;
};

/** Fails with one readable block per shipment whose stored outcome is not the oracle's. */
function expectOracle(stored: Map<string, Outcome>): void {
  expect(diffOutcomes(expected, stored, label).join('\n')).toBe('');
}

describe('exception pipeline end to end (sandbox -> poller -> normalizer -> detector -> compensation, Kafka + PostgreSQL)', () => {
  const plain = new ExceptionPipeline();
  const redelivered = new ExceptionPipeline();
  let runs: [ExceptionRun, ExceptionRun] | undefined;

  beforeAll(async () => {
    runs = await Promise.all([plain.run(planned), redelivered.run(planned, { deliverTwice: true, restartAfterStep: 40 })]);
  }, 600_000);

  afterAll(async () => {
    await Promise.all([plain.stop(), redelivered.stop()]);
  });

  it('plans every kind the issue names several times (the oracle is only as good as its cases)', () => {
    const count = (pred: (o: Outcome) => boolean) => expected.filter(pred).length;
    const opened = (kind: string, status?: string) => (o: Outcome) => o.exceptions.some((e) => e.kind === kind && (status === undefined || e.status === status || e.severity === status));
    for (const kind of ['stalled', 'customs_hold', 'failed_delivery', 'returning', 'lost', 'damaged', 'late']) expect([kind, count(opened(kind)) >= 3]).toEqual([kind, true]);
    for (const attempts of [1, 2, 3]) expect(planned.filter((p) => p.journey.failedAttempts === attempts && p.expected.exceptions.some((e) => e.kind === 'failed_delivery')).length).toBeGreaterThanOrEqual(3);
    expect(count(opened('failed_delivery', 'high'))).toBeGreaterThanOrEqual(3);
    expect(planned.filter((p) => p.spec === 'lost-silent' && opened('lost')(p.expected)).length).toBeGreaterThanOrEqual(3);
    expect(planned.filter((p) => p.spec === 'lost-carrier' && opened('lost')(p.expected)).length).toBeGreaterThanOrEqual(3);
    // Stalls of 5 to 7 days: a stall on a courier lane, none yet on a postal one.
    const sixDays = planned.filter((p) => p.spec === 'stall-6-days');
    expect(sixDays.some((p) => p.postal && !opened('stalled')(p.expected))).toBe(true);
    expect(sixDays.some((p) => !p.postal && opened('stalled')(p.expected))).toBe(true);
    expect(count((o) => o.tier === 1)).toBeGreaterThanOrEqual(3);
    expect(count((o) => o.tier === 2)).toBeGreaterThanOrEqual(3);
    expect(count((o) => o.exceptions.length === 0 && o.maxDaysLate === 0)).toBeGreaterThanOrEqual(3);
    const compensations = expected.flatMap((o) => o.compensations);
    for (const tier of [1, 2, 3]) expect(compensations.filter((c) => c.tier === tier).length).toBeGreaterThanOrEqual(3);
    for (const approval of ['auto', 'supervisor', 'manager']) expect(compensations.filter((c) => c.approval === approval).length).toBeGreaterThanOrEqual(3);
    // Returned after a refusal: the delay may pay, the return itself never does.
    expect(planned.filter((p) => p.spec === 'returned').every((p) => p.expected.compensations.every((c) => c.tier < 3))).toBe(true);
    // Returned by the carrier's fault (missent): tier 3, reached through the sandbox's carrier codes and the detector's return cause.
    expect(planned.filter((p) => p.spec === 'returned-carrier-fault' && p.expected.compensations.some((c) => c.tier === 3)).length).toBeGreaterThanOrEqual(3);
  });

  it(`stores exactly the expected exceptions, delays and compensation decisions for ${planned.length} journeys`, async () => {
    const [run] = runs!;
    expectOracle(await storedOutcomes(run.db));
    for (const [topic, counts] of Object.entries(run.topics)) expect({ topic, published: counts.published }).toEqual({ topic, published: counts.written });
  });

  it('stores the same outcome when every message is delivered twice and the services restart mid-run', async () => {
    const [first, second] = runs!;
    for (const [topic, counts] of Object.entries(second.topics)) {
      expect({ topic, written: counts.written > 0 }).toEqual({ topic, written: true });
      expect({ topic, published: counts.published }).toEqual({ topic, published: 2 * counts.written });
    }
    const stored = await storedOutcomes(second.db);
    expect([...stored.values()]).toEqual([...(await storedOutcomes(first.db)).values()]);
    expectOracle(stored);
  });

  /*
   * Someone who reaches the broker publishes delay events of their own, well-formed and naming
   * the right merchant: a parcel delivered on time "20 days late", a parcel 3-13 days late "20".
   * The decision follows the shipment's history in the database: nothing for the first, no
   * higher tier for the second, the first refused on record (issue 17).
   */
  it('refuses forged delay events on the real bus: nothing the shipment on record does not support', async () => {
    const ctx = plain.contextForChecks();
    const onTime = planned.find((p) => p.spec === 'on-time')!;
    const late = planned.find((p) => p.spec === 'late-tier1')!;
    const shipmentOf = (p: PlannedShipment) => ctx.db.selectFrom('shipments').select(['id', 'merchant_id', 'status']).where('tracking_number', '=', p.journey.trackingNumber).executeTakeFirstOrThrow();
    const compensationsOf = async (p: PlannedShipment) =>
      ctx.db.selectFrom('compensations').select(['tier', 'status', 'approval_level']).where('shipment_id', '=', (await shipmentOf(p)).id).orderBy('tier').execute();
    expect((await shipmentOf(onTime)).status).toBe('delivered');
    const before = { onTime: await compensationsOf(onTime), late: await compensationsOf(late) };
    expect(before.onTime).toEqual([]);
    expect(before.late.map((c) => c.tier)).toEqual([1]);

    async function forgeDelay(p: PlannedShipment, daysLate: number): Promise<string> {
      const shipment = await shipmentOf(p);
      const detectedAt = ctx.clock.now().toUTC().toISO()!;
      const event = createEnvelope({
        type: EVENT_TYPES.delayDetected,
        source: 'parcelwatch/detector',
        subject: shipment.id,
        merchantid: shipment.merchant_id,
        time: detectedAt,
        data: { shipmentId: shipment.id, daysLate, against: 'promised', referenceDate: p.promisedDeliveryDate, timeZone: p.journey.destination.zone, tier: 2, detectedAt, status: { milestone: 'in_transit', reason: 'arrived_hub' }, lastCheckpointAt: null },
      });
      await ctx.bus.publish(ctx.topics.shipmentDelays!, [event]);
      return event.id;
    }
    const forged = [await forgeDelay(onTime, 20), await forgeDelay(late, 20)];
    const group = `compensation-${idFromName('e2e-exceptions', ctx.topics.shipmentEvents!).slice(0, 8)}`;
    await ctx.caughtUp(group, [ctx.topics.shipmentExceptions!, ctx.topics.shipmentDelays!]);

    expect(await ctx.db.selectFrom('processed_messages').select('message_id').where('consumer_group', '=', group).where('message_id', 'in', forged).execute()).toHaveLength(2);
    expect({ onTime: await compensationsOf(onTime), late: await compensationsOf(late) }).toEqual(before);
    const refusals = await ctx.db.selectFrom('compensation_refusals').select(['trigger_event_id', 'reason']).where('trigger_event_id', 'in', forged).execute();
    expect(refusals).toEqual([{ trigger_event_id: forged[0], reason: 'not_late_on_record' }]);
  });
});
