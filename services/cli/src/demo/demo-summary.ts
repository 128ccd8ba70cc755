import type { Database } from '@parcelwatch/db';
import { sql, type Kysely } from 'kysely';

/*
 * What the demo shows, read from the database (never from counters kept by the runner), for
 * the merchants given: the progress line while it runs and the summary at the end.
 */

export interface DemoProgress {
  registered: number;
  delivered: number;
  inTransit: number;
  /** Returned, lost or otherwise ended without delivery. */
  ended: number;
  exceptionsOpen: number;
  messagesSent: number;
  compensations: number;
}

export interface DemoSummary extends DemoProgress {
  exceptionsByKind: Record<string, number>;
  messagesByChannel: Record<string, Record<string, number>>;
  compensationsByTier: Array<{ tier: number; status: string; count: number; amounts: Record<string, number> }>;
  proofsByKind: Record<string, number>;
  /** Paid through the marketplace (the sandbox's in the demo), with the amounts per currency. */
  executed: { count: number; amounts: Record<string, number> };
  /** Decided on the VIP green channel (the buyer's lifetime spend reached the policy's threshold). */
  greenChannel: number;
  /** Shipments with an estimated delivery (the carrier's, or learned for the carrier and lane). */
  eddKnown: number;
  /** The same, by source: 'carrier' or 'learned'. */
  eddBySource: Record<string, number>;
  /** Shipments whose return the detector put on the carrier (missorted, damaged, lost...): tier 3. */
  carrierFaultReturns: number;
}

const count = (n: string | number | bigint | null | undefined) => Number(n ?? 0);

export async function readProgress(db: Kysely<Database>, merchantIds: readonly string[]): Promise<DemoProgress> {
  if (merchantIds.length === 0) return { registered: 0, delivered: 0, inTransit: 0, ended: 0, exceptionsOpen: 0, messagesSent: 0, compensations: 0 };
  const statuses = await db
    .selectFrom('shipments')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('merchant_id', 'in', merchantIds)
    .groupBy('status')
    .execute();
  const by = Object.fromEntries(statuses.map((row) => [row.status, count(row.n)]));
  const registered = Object.values(by).reduce((sum, n) => sum + n, 0);
  const delivered = by['delivered'] ?? 0;
  const ended = (by['expired'] ?? 0) + (await endedWithoutDelivery(db, merchantIds));
  const open = await db
    .selectFrom('exceptions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('merchant_id', 'in', merchantIds)
    .where('status', 'in', ['open', 'escalated'])
    .executeTakeFirstOrThrow();
  const sent = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('merchant_id', 'in', merchantIds)
    .where('status', '=', 'sent')
    .executeTakeFirstOrThrow();
  const compensations = await db
    .selectFrom('compensations')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('merchant_id', 'in', merchantIds)
    .executeTakeFirstOrThrow();
  return {
    registered,
    delivered,
    inTransit: registered - delivered - ended,
    ended,
    exceptionsOpen: count(open.n),
    messagesSent: count(sent.n),
    compensations: count(compensations.n),
  };
}

/** Parcels back at the sender or gone: returned, or an exception the carrier will not scan past. */
async function endedWithoutDelivery(db: Kysely<Database>, merchantIds: readonly string[]): Promise<number> {
  const row = await db
    .selectFrom('shipments')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('merchant_id', 'in', merchantIds)
    .where('status', '=', 'exception')
    .where('status_reason', 'in', ['returned', 'lost', 'destroyed', 'cancelled'])
    .executeTakeFirstOrThrow();
  return count(row.n);
}

export async function readSummary(db: Kysely<Database>, merchantIds: readonly string[]): Promise<DemoSummary> {
  const progress = await readProgress(db, merchantIds);
  if (merchantIds.length === 0) return { ...progress, exceptionsByKind: {}, messagesByChannel: {}, compensationsByTier: [], proofsByKind: {}, executed: { count: 0, amounts: {} }, greenChannel: 0, eddKnown: 0, eddBySource: {}, carrierFaultReturns: 0 };
  const kinds = await db
    .selectFrom('exceptions')
    .select(['kind', (eb) => eb.fn.countAll<string>().as('n')])
    .where('merchant_id', 'in', merchantIds)
    .groupBy('kind')
    .orderBy('kind')
    .execute();
  const channels = await db
    .selectFrom('notifications')
    .select(['channel', 'status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('merchant_id', 'in', merchantIds)
    .groupBy(['channel', 'status'])
    .orderBy('channel')
    .execute();
  const tiers = await db
    .selectFrom('compensations')
    .select(['tier', 'status', 'currency', (eb) => eb.fn.countAll<string>().as('n'), (eb) => eb.fn.sum<string>('amount_minor').as('amount')])
    .where('merchant_id', 'in', merchantIds)
    .groupBy(['tier', 'status', 'currency'])
    .orderBy('tier')
    .orderBy('status')
    .execute();
  const proofs = await db
    .selectFrom('proofs')
    .select(['kind', (eb) => eb.fn.countAll<string>().as('n')])
    .where('merchant_id', 'in', merchantIds)
    .groupBy('kind')
    .orderBy('kind')
    .execute();

  const executedRows = await db
    .selectFrom('compensations')
    .select(['currency', (eb) => eb.fn.countAll<string>().as('n'), (eb) => eb.fn.sum<string>('amount_minor').as('amount')])
    .where('merchant_id', 'in', merchantIds)
    .where('status', '=', 'executed')
    .groupBy('currency')
    .execute();
  const green = await db
    .selectFrom('compensations')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('merchant_id', 'in', merchantIds)
    .where('channel', '=', 'green')
    .executeTakeFirstOrThrow();
  const carrierFault = await db
    .selectFrom('exceptions')
    .select(sql<string>`count(DISTINCT shipment_id)`.as('n'))
    .where('merchant_id', 'in', merchantIds)
    .where('kind', '=', 'returning')
    .where(sql<boolean>`details->'facts'->>'carrierFault' = 'true'`)
    .executeTakeFirstOrThrow();
  const edd = await db
    .selectFrom('shipments')
    .select((eb) => ['estimated_delivery_source', eb.fn.countAll<string>().as('n')])
    .where('merchant_id', 'in', merchantIds)
    .where('estimated_delivery_at', 'is not', null)
    .groupBy('estimated_delivery_source')
    .execute();

  const messagesByChannel: DemoSummary['messagesByChannel'] = {};
  for (const row of channels) (messagesByChannel[row.channel] ??= {})[row.status] = count(row.n);
  const compensationsByTier: DemoSummary['compensationsByTier'] = [];
  for (const row of tiers) {
    let entry = compensationsByTier.find((e) => e.tier === row.tier && e.status === row.status);
    if (!entry) compensationsByTier.push((entry = { tier: row.tier, status: row.status, count: 0, amounts: {} }));
    entry.count += count(row.n);
    entry.amounts[row.currency] = (entry.amounts[row.currency] ?? 0) + count(row.amount);
  }
  return {
    ...progress,
    exceptionsByKind: Object.fromEntries(kinds.map((row) => [row.kind, count(row.n)])),
    messagesByChannel,
    compensationsByTier,
    proofsByKind: Object.fromEntries(proofs.map((row) => [row.kind, count(row.n)])),
    executed: {
      count: executedRows.reduce((sum, row) => sum + count(row.n), 0),
      amounts: Object.fromEntries(executedRows.map((row) => [row.currency, count(row.amount)])),
    },
    greenChannel: count(green.n),
    eddKnown: edd.reduce((sum, row) => sum + count(row.n), 0),
    eddBySource: Object.fromEntries(edd.map((row) => [row.estimated_delivery_source ?? 'unknown', count(row.n)])),
    carrierFaultReturns: count(carrierFault.n),
  };
}

const TIER_NAMES: Record<number, string> = { 1: 'minor delay', 2: 'major delay', 3: 'carrier fault' };
const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;

export function progressLine(at: string, p: DemoProgress): string {
  return `${at.slice(0, 16).replace('T', ' ')} UTC  shipments ${p.registered}: ${p.delivered} delivered, ${p.inTransit} in transit, ${p.ended} returned/lost  exceptions open ${p.exceptionsOpen}  messages sent ${p.messagesSent}  compensations ${p.compensations}`;
}

export function formatSummary(s: DemoSummary, where: { dashboard: string; outbox: string | null; wallSeconds: number | null; simulated: string }): string {
  const lines = [
    '',
    `demo summary (${s.registered} shipments, ${where.simulated}${where.wallSeconds === null ? '' : `, ${where.wallSeconds} s wall time`})`,
    `  shipments: ${s.delivered} delivered, ${s.inTransit} in transit, ${s.ended} returned or lost`,
    `  exceptions found: ${Object.values(s.exceptionsByKind).reduce((a, b) => a + b, 0)} (${s.exceptionsOpen} still open)`,
    ...Object.entries(s.exceptionsByKind).map(([kind, n]) => `    ${kind.padEnd(20)} ${n}`),
    `  messages sent: ${s.messagesSent}`,
    ...Object.entries(s.messagesByChannel).map(([channel, statuses]) => `    ${channel.padEnd(20)} ${Object.entries(statuses).map(([status, n]) => `${n} ${status}`).join(', ')}`),
    `  compensations decided: ${s.compensations}`,
    ...s.compensationsByTier.map((t) => `    tier ${t.tier} ${(TIER_NAMES[t.tier] ?? '').padEnd(12)} ${t.status.padEnd(10)} ${String(t.count).padStart(5)}  ${Object.entries(t.amounts).map(([c, minor]) => money(minor, c)).join(' + ')}`),
    `  compensations executed: ${s.executed.count}${s.executed.count === 0 ? '' : ` (${Object.entries(s.executed.amounts).map(([c, minor]) => money(minor, c)).join(' + ')} paid)`}`,
    `  green channel (VIP): ${s.greenChannel}`,
    `  returned by carrier fault: ${s.carrierFaultReturns}`,
    `  EDD known: ${s.registered === 0 ? 0 : Math.round((100 * s.eddKnown) / s.registered)}% (${s.eddKnown} of ${s.registered} shipments${s.eddKnown === 0 ? '' : `: ${Object.entries(s.eddBySource).map(([source, n]) => `${n} ${source}`).join(', ')}`})`,
    `  proofs archived: ${Object.values(s.proofsByKind).reduce((a, b) => a + b, 0)} (${Object.entries(s.proofsByKind).map(([kind, n]) => `${n} ${kind}`).join(', ') || 'none'})`,
    `  dashboard: ${where.dashboard} (sign in with the key in data/admin-key)`,
    ...(where.outbox ? [`  buyer mail: ${where.outbox}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** A shipment whose tracking page shows the most: one with an open exception, else the latest delivered, else any. */
export async function showcaseShipment(db: Kysely<Database>, merchantIds: readonly string[]): Promise<{ id: string; orderId: string } | undefined> {
  if (merchantIds.length === 0) return undefined;
  const row = await db
    .selectFrom('shipments as s')
    .select(['s.id', 's.order_id'])
    .where('s.merchant_id', 'in', merchantIds)
    .orderBy(sql<number>`CASE WHEN EXISTS (SELECT 1 FROM exceptions e WHERE e.shipment_id = s.id AND e.status <> 'resolved') THEN 0 WHEN s.status = 'delivered' THEN 1 ELSE 2 END`)
    .orderBy('s.last_checkpoint_at', (ob) => ob.desc().nullsLast())
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : { id: row.id, orderId: row.order_id };
}
