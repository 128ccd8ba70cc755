import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEnvelope, EVENT_TYPES, idFromName } from '@parcelwatch/contracts';
import { ExceptionPipeline, type PipelineContext } from './exception-pipeline.fixture.js';
import { planShipments, type PlannedShipment } from './exception-pipeline.journeys.js';

/*
 * Someone who reaches the broker publishes delay events of their own. Real journeys go through
 * the carrier sandbox, the api, the poller, the normalizer and the detector into compensation on
 * Kafka and PostgreSQL; then forged delay events, well-formed and naming the right merchant,
 * claim a parcel delivered on time is 20 days late and a parcel 3-13 days late is 20. The decision
 * must follow the shipment's history in the database: nothing for the first, tier 1 (not 2) for
 * the second, and both forgeries refused on record.
 */
const plan = planShipments();
const pick = (spec: string, count: number) => plan.filter((p) => p.spec === spec).slice(0, count);
// Under 30 USD: a decision is automatic (approved to pay without anyone looking), the case a forgery aims at.
const cheap = (p: PlannedShipment): PlannedShipment => ({ ...p, orderValue: { amountMinor: 2000, currency: 'USD' } });
const planned = [...pick('on-time', 2), ...pick('late-tier1', 1)].map(cheap);
const [onTime, alsoOnTime, late] = planned as [PlannedShipment, PlannedShipment, PlannedShipment];

describe('a forged delay event on the real bus pays nothing the shipment on record does not support', () => {
  const pipeline = new ExceptionPipeline();
  let ctx: PipelineContext;
  const shipmentOf = async (p: PlannedShipment) =>
    ctx.db.selectFrom('shipments').select(['id', 'merchant_id', 'status']).where('tracking_number', '=', p.journey.trackingNumber).executeTakeFirstOrThrow();
  const compensationsOf = async (p: PlannedShipment) =>
    ctx.db.selectFrom('compensations').select(['tier', 'status', 'approval_level']).where('shipment_id', '=', (await shipmentOf(p)).id).orderBy('tier').execute();

  /** A delay event as the detector writes it, published straight to the topic compensation reads. */
  async function forgeDelay(p: PlannedShipment, daysLate: number): Promise<string> {
    const shipment = await shipmentOf(p);
    const detectedAt = ctx.clock.now().toUTC().toISO()!;
    const event = createEnvelope({
      type: EVENT_TYPES.delayDetected,
      source: 'parcelwatch/detector',
      subject: shipment.id,
      merchantid: shipment.merchant_id,
      time: detectedAt,
      data: {
        shipmentId: shipment.id,
        daysLate,
        against: 'promised',
        referenceDate: p.promisedDeliveryDate,
        timeZone: p.journey.destination.zone,
        tier: 2,
        detectedAt,
        status: { milestone: 'in_transit', reason: 'arrived_hub' },
        lastCheckpointAt: null,
      },
    });
    await ctx.bus.publish(ctx.topics.shipmentDelays!, [event]);
    return event.id;
  }

  beforeAll(async () => {
    await pipeline.run(planned);
    ctx = pipeline.contextForChecks();
  }, 600_000);

  afterAll(async () => {
    await pipeline.stop();
  });

  it('decides from the real histories first: nothing for the parcels delivered on time, tier 1 for the late one', async () => {
    for (const p of [onTime, alsoOnTime]) {
      expect((await shipmentOf(p)).status).toBe('delivered');
      expect(await compensationsOf(p)).toEqual([]);
    }
    expect(await compensationsOf(late)).toEqual([{ tier: 1, status: 'approved', approval_level: 'auto' }]);
  });

  it('refuses forged delays: no compensation for the on-time parcel, no higher tier for the late one, both on record', async () => {
    const forged = [await forgeDelay(onTime, 20), await forgeDelay(late, 20)];
    const group = `compensation-${idFromName('e2e-exceptions', ctx.topics.shipmentEvents!).slice(0, 8)}`;
    await ctx.caughtUp(group, [ctx.topics.shipmentExceptions!, ctx.topics.shipmentDelays!]);

    expect(await compensationsOf(onTime)).toEqual([]);
    expect(await compensationsOf(late)).toEqual([{ tier: 1, status: 'approved', approval_level: 'auto' }]);
    const refusals = await ctx.db.selectFrom('compensation_refusals').select(['trigger_event_id', 'reason']).where('trigger_event_id', 'in', forged).execute();
    expect(refusals).toEqual([{ trigger_event_id: forged[0], reason: 'not_late_on_record' }]);
    // The inflated claim for the late parcel was checked too: capped by its record, its tier 1 already decided, nothing new.
    expect(await ctx.db.selectFrom('processed_messages').select('message_id').where('consumer_group', '=', group).where('message_id', 'in', forged).execute()).toHaveLength(2);
  });
});
