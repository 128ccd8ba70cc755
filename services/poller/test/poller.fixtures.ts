import { createHash } from 'node:crypto';
import { canonicalJson, newId, parseEvent, type Provider, type TrackingSnapshotCapturedEvent } from '@parcelwatch/contracts';
import type { Database, MilestoneColumn } from '@parcelwatch/db';
import type { Kysely } from 'kysely';

export interface SeedShipment {
  trackingNumber: string;
  provider: Provider;
  orderId?: string;
  status?: MilestoneColumn;
  deliveredAt?: Date | null;
  /** Null: not registered with the provider yet (the usual state after ingest). */
  registeredAt?: Date | null;
  nextPollAt?: Date | null;
}

/** Inserts a merchant and its shipments; returns the shipment ids in input order. */
export async function seedShipments(db: Kysely<Database>, now: Date, shipments: readonly SeedShipment[]): Promise<string[]> {
  const merchantId = newId(now.getTime());
  await db.insertInto('merchants').values({ id: merchantId, name: 'Poller test shop', created_at: now }).execute();
  const rows = shipments.map((s, i) => ({
    id: newId(now.getTime()),
    merchant_id: merchantId,
    order_id: s.orderId ?? `order-${i}`,
    tracking_number: s.trackingNumber,
    carrier: 'yunexpress',
    provider: s.provider,
    status: s.status ?? 'pending',
    delivered_at: s.deliveredAt ?? null,
    provider_registered_at: s.registeredAt ?? null,
    next_poll_at: s.nextPollAt === undefined ? now : s.nextPollAt,
    created_at: now,
  }));
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('shipments').values(rows.slice(i, i + 500)).execute();
  return rows.map((row) => row.id);
}

/** Every snapshot event in the outbox, parsed with the contract schema (a parse failure throws). */
export async function outboxSnapshots(db: Kysely<Database>, topic: string): Promise<TrackingSnapshotCapturedEvent[]> {
  const rows = await db.selectFrom('outbox').select(['event', 'message_key']).where('topic', '=', topic).orderBy('id').execute();
  return rows.map((row) => {
    const parsed = parseEvent('tracking.snapshots', row.event);
    if (!parsed.ok) throw new Error(`outbox row does not parse: ${parsed.reason}`);
    if (parsed.event.subject !== row.message_key) throw new Error('outbox key is not the shipment id');
    return parsed.event as TrackingSnapshotCapturedEvent;
  });
}

/** The SHA-256 a snapshot claims, recomputed from what it carries. */
export function expectedSha256(event: TrackingSnapshotCapturedEvent): string {
  const { payload, metadata } = event.data;
  if (payload.encoding === 'base64') return createHash('sha256').update(Buffer.from(payload.body, 'base64')).digest('hex');
  if (metadata.sliced === true) return createHash('sha256').update(canonicalJson(payload.body)).digest('hex');
  return String(metadata.batchSha256);
}
