import { newId } from '@parcelwatch/contracts';
import type { Database } from '@parcelwatch/db';
import type { Kysely } from 'kysely';
import type { MerchantWebhookEvent } from '../src/webhooks/index.js';

export const MILESTONE = 'parcelwatch.shipment.milestone_reached.v1';
export const EXCEPTION = 'parcelwatch.shipment.exception_opened.v1';

export async function seedMerchant(db: Kysely<Database>, name: string): Promise<string> {
  const id = newId();
  await db.insertInto('merchants').values({ id, name }).execute();
  return id;
}

/** The n-th event of a shipment: its source id derives from both, so enqueuing it again is a redelivery. */
export function shipmentEvent(merchantId: string, shipmentId: string, n: number, eventType = MILESTONE): MerchantWebhookEvent {
  return {
    merchantId,
    shipmentId,
    sourceEventId: `${shipmentId}:${n}`,
    eventType,
    occurredAt: new Date(Date.UTC(2026, 10, 1, 0, n)).toISOString(),
    data: { shipmentId, step: n, milestone: 'in_transit' },
  };
}

/** Per shipment, the `data.step` values in the order the receiver got them. */
export function stepsByShipment(payloads: readonly Record<string, unknown>[]): Map<string, number[]> {
  const steps = new Map<string, number[]>();
  for (const payload of payloads) {
    const shipmentId = String(payload['shipmentId']);
    const data = payload['data'] as { step: number };
    steps.set(shipmentId, [...(steps.get(shipmentId) ?? []), data.step]);
  }
  return steps;
}
