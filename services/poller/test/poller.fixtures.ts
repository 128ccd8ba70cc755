import { createHash } from 'node:crypto';
import { canonicalJson, newId, parseEvent, type Provider, type TrackingSnapshotCapturedEvent } from '@parcelwatch/contracts';
import type { Database, MilestoneColumn } from '@parcelwatch/db';
import { seedShipments as registerAndTrack, type TestShipment } from '@parcelwatch/db/testing';
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

/**
 * Creates a merchant and registers its shipments as the api does, then records what the poller
 * and normalizer would have written since (schedule, provider registration, status); returns the
 * shipment ids in input order.
 */
export async function seedShipments(db: Kysely<Database>, now: Date, shipments: readonly SeedShipment[]): Promise<string[]> {
  const merchantId = newId(now.getTime());
  await db.insertInto('merchants').values({ id: merchantId, name: 'Poller test shop', created_at: now }).execute();
  const seeds = shipments.map((s, i): TestShipment => ({
    id: newId(now.getTime()),
    merchantId,
    orderId: s.orderId ?? `order-${String(i).padStart(4, '0')}`,
    trackingNumber: s.trackingNumber,
    carrier: 'yunexpress',
    provider: s.provider,
    originCountry: null,
    destinationCountry: null,
    buyerTimezone: 'UTC',
    registeredAt: now,
    ...(s.status === undefined ? {} : { tracking: { status: s.status, milestones: { delivered_at: s.deliveredAt ?? null } } }),
    polling: { nextPollAt: s.nextPollAt === undefined ? now : s.nextPollAt, active: true, providerRegisteredAt: s.registeredAt ?? null },
  }));
  await registerAndTrack(db, seeds);
  return seeds.map((seed) => seed.id);
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
