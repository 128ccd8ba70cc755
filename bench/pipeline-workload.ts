// The pipeline bench's workload: one merchant (quiet hours off, email only, a daily cap that never
// binds), shipments with a buyer email, and per shipment one FedEx Track API response (the
// carrier's wire format) with a 10-scan journey that ends delivered an hour before the run, as
// tracking.snapshot.captured envelopes. Each snapshot makes 10 checkpoints and one buyer email
// (the delivered message: earlier milestones of a delivered parcel tell the buyer nothing).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEvent, EVENT_TYPES, idFromName, newId } from '@parcelwatch/contracts';
import type { Database } from '@parcelwatch/db';
import type { Kysely } from 'kysely';

export const SCANS_PER_SNAPSHOT = 10;
const FEDEX_FIXTURE = path.resolve(import.meta.dirname, '../packages/carriers/test/fixtures/fedex/track-delivered.json');
const JOURNEY_CODES = ['OC', 'PU', 'AR', 'DP', 'AR', 'DP', 'AR', 'DP', 'OD', 'DL'] as const;
const CITIES = ['Shenzhen', 'Hong Kong', 'Anchorage', 'Memphis', 'Indianapolis', 'Columbus', 'Newark', 'Edison', 'Brooklyn', 'Brooklyn'];
export const PIPELINE_MERCHANT_ID = idFromName('merchant', 'pipeline-bench');

type FedexBody = { output: { completeTrackResults: Array<{ trackingNumber: string; trackResults: Array<Record<string, unknown> & { scanEvents: unknown[] }> }> } };

export interface WorkloadShipment {
  shipmentId: string;
  trackingNumber: string;
}

const template = (): FedexBody => JSON.parse(readFileSync(FEDEX_FIXTURE, 'utf8')) as FedexBody;

export function workloadShipment(prefix: string, index: number): WorkloadShipment {
  const trackingNumber = `${prefix}${String(index).padStart(8, '0')}`;
  return { shipmentId: idFromName('pipeline-bench-shipment', trackingNumber), trackingNumber };
}

/** Merchant, buyers and shipments (registered, not yet scanned). */
export async function seedWorkload(db: Kysely<Database>, shipments: readonly WorkloadShipment[]): Promise<void> {
  const settings = { notifications: { channels: { email: true, sms: false }, quietHours: null, dailyCap: 50 } };
  await db.insertInto('merchants').values({ id: PIPELINE_MERCHANT_ID, name: 'Pipeline bench shop', settings: JSON.stringify(settings) }).onConflict((oc) => oc.doNothing()).execute();
  for (let i = 0; i < shipments.length; i += 1000) {
    const slice = shipments.slice(i, i + 1000);
    await db.insertInto('buyer_contacts').values(slice.map((s) => ({
      id: idFromName('pipeline-bench-buyer', s.trackingNumber), merchant_id: PIPELINE_MERCHANT_ID, email: `buyer-${s.trackingNumber}@buyers.example`, timezone: 'America/New_York', locale: 'en-US',
    }))).execute();
    await db.insertInto('shipments').values(slice.map((s) => ({
      id: s.shipmentId, merchant_id: PIPELINE_MERCHANT_ID, order_id: `pipeline-${s.trackingNumber}`, tracking_number: s.trackingNumber, carrier: 'fedex', provider: 'fedex',
      origin_country: 'CN', destination_country: 'US', buyer_timezone: 'America/New_York', buyer_contact_id: idFromName('pipeline-bench-buyer', s.trackingNumber),
    }))).execute();
  }
}

/** Snapshot envelopes of the shipments, journeys ending `endsAt` (scans 1 h apart). */
export function snapshotEnvelopes(shipments: readonly WorkloadShipment[], endsAt: Date) {
  const base = template();
  return shipments.map((shipment) => {
    const body = structuredClone(base);
    const complete = body.output.completeTrackResults[0];
    const result = complete?.trackResults[0];
    if (!complete || !result) throw new Error('unexpected FedEx fixture shape');
    const scanTemplate = result.scanEvents[2] as Record<string, unknown>;
    complete.trackingNumber = shipment.trackingNumber;
    result['trackingNumberInfo'] = { trackingNumber: shipment.trackingNumber, trackingNumberUniqueId: `12027~${shipment.trackingNumber}~FDEG`, carrierCode: 'FDXG' };
    const first = endsAt.getTime() - (JOURNEY_CODES.length - 1) * 3600_000;
    result.scanEvents = JOURNEY_CODES.map((code, k) => ({
      ...scanTemplate,
      date: new Date(first + k * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
      eventType: code,
      eventDescription: `${code} scan ${k}`,
      scanLocation: { streetLines: [''], city: CITIES[k], countryCode: k < 2 ? 'CN' : 'US', residential: false },
    })).reverse();
    const text = JSON.stringify(body);
    return createEvent(EVENT_TYPES.trackingSnapshotCaptured, {
      merchantid: PIPELINE_MERCHANT_ID,
      source: 'parcelwatch/bench',
      data: {
        shipmentId: shipment.shipmentId,
        snapshotId: newId(),
        provider: 'fedex',
        carrier: 'fedex',
        trackingNumber: shipment.trackingNumber,
        source: 'poll',
        fetchedAt: new Date(endsAt.getTime() + 1800_000).toISOString(),
        httpStatus: 200,
        sha256: createHash('sha256').update(text).digest('hex'),
        payload: { encoding: 'json', body },
        metadata: {},
      },
    } as never);
  });
}

/** Nearest-rank percentile of values sorted ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
