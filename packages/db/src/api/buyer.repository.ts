import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database.js';

/**
 * Buyers per merchant: identity (the id is an HMAC the api derives from the normalized email
 * or phone), orders counted once per (merchant, order), spend per currency. No PII here.
 */
export type BuyerExecutor = Kysely<Database> | Transaction<Database>;

export interface SpendAmount {
  amountMinor: number;
  currency: string;
}

export interface NewBuyer {
  id: string;
  merchantId: string;
  identifiedBy: 'email' | 'phone';
}

/** A newly registered shipment's order, for its buyer. */
export interface BuyerOrder {
  buyerId: string;
  merchantId: string;
  orderId: string;
  value: SpendAmount | null;
  registeredAt: Date;
}

/** What the seller says the buyer had before parcelwatch: kept as the greater of the known and the given value. */
export interface BuyerHistory {
  buyerId: string;
  orders: number | null;
  spend: SpendAmount | null;
}

/** What an order added to its buyer: `newOrder` once per order; `added` its value when first known. */
export interface CountedOrder {
  merchantId: string;
  orderId: string;
  buyerId: string;
  newOrder: boolean;
  added: SpendAmount | null;
}

/** A buyer's lifetime figures: registered orders plus the seller's history, one amount per currency (sorted). */
export interface BuyerTotals {
  buyerId: string;
  orderCount: number;
  spend: SpendAmount[];
}

/** The merchants among `ids` that exist, each with the key its buyer ids are derived with. */
export async function findMerchantBuyerKeys(db: BuyerExecutor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('merchants').select(['id', 'buyer_key']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((row) => [row.id, row.buyer_key]));
}

const orderKey = (merchantId: string, orderId: string): string => JSON.stringify([merchantId, orderId]);
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Creates the buyers a registration names, before its shipments (which reference them). A
 * buyer first seen in a replay of an order from before buyers existed is created with no
 * orders: it is still the buyer that email or phone identifies.
 */
export async function insertBuyers(trx: Transaction<Database>, buyers: readonly NewBuyer[]): Promise<void> {
  const rows = [...new Map(buyers.map((b) => [b.id, b])).values()].sort((a, b) => byText(a.id, b.id));
  if (rows.length === 0) return;
  // Idempotent: the id derives from the merchant and the buyer's normalized email or phone. In id order, against deadlocks.
  await trx
    .insertInto('buyers')
    .values(rows.map((b) => ({ id: b.id, merchant_id: b.merchantId, identified_by: b.identifiedBy })))
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/**
 * Counts each new order once (a second parcel of a known order adds nothing, except the
 * order's value if the first parcel had none) and raises histories, for buyers insertBuyers
 * created. Run it in the registration's transaction with only the shipments that transaction
 * created: a replayed registration must not reach it. Returns what each counted order added.
 */
export async function recordBuyerActivity(
  trx: Transaction<Database>,
  activity: { orders: readonly BuyerOrder[]; histories: readonly BuyerHistory[]; at: Date },
): Promise<CountedOrder[]> {
  const ids = [...new Set([...activity.orders, ...activity.histories].map((a) => a.buyerId))].sort(byText);
  if (ids.length === 0) return [];
  // In id order, so two registrations sharing buyers cannot deadlock on the counters below. NO KEY
  // UPDATE, not UPDATE: the shipments' and orders' foreign keys hold KEY SHARE locks on these rows,
  // which FOR UPDATE would wait for (two batches of one buyer would then wait for each other).
  await trx.selectFrom('buyers').select('id').where('id', 'in', ids).orderBy('id').forNoKeyUpdate().execute();

  const counted = await countOrders(trx, activity.orders);
  const orderTotals = new Map<string, { n: number; first: Date | null; last: Date | null }>();
  const spend = new Map<string, { buyerId: string; currency: string; registered: number; history: number }>();
  const spendRow = (buyerId: string, currency: string) => {
    const key = `${buyerId}|${currency}`;
    const row = spend.get(key) ?? { buyerId, currency, registered: 0, history: 0 };
    spend.set(key, row);
    return row;
  };
  for (const { order, row } of counted) {
    if (row.newOrder) {
      const totals = orderTotals.get(row.buyerId) ?? { n: 0, first: null, last: null };
      totals.n += 1;
      totals.first = totals.first === null || order.registeredAt < totals.first ? order.registeredAt : totals.first;
      totals.last = totals.last === null || order.registeredAt > totals.last ? order.registeredAt : totals.last;
      orderTotals.set(row.buyerId, totals);
    }
    if (row.added !== null) spendRow(row.buyerId, row.added.currency).registered += row.added.amountMinor;
  }
  const historyOrders = new Map<string, number>();
  for (const history of activity.histories) {
    if (history.orders !== null) historyOrders.set(history.buyerId, Math.max(historyOrders.get(history.buyerId) ?? 0, history.orders));
    if (history.spend !== null) {
      const row = spendRow(history.buyerId, history.spend.currency);
      row.history = Math.max(row.history, history.spend.amountMinor);
    }
  }

  const touched = ids.filter((id) => orderTotals.has(id) || historyOrders.has(id));
  if (touched.length > 0) {
    const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;
    await sql`
      UPDATE buyers b SET
        order_count = b.order_count + v.n,
        history_order_count = GREATEST(b.history_order_count, v.history),
        first_order_at = LEAST(b.first_order_at, v.first_at),
        last_order_at = GREATEST(b.last_order_at, v.last_at),
        updated_at = ${activity.at}
      FROM unnest(${touched}::uuid[], ${touched.map((id) => orderTotals.get(id)?.n ?? 0)}::int[],
                  ${touched.map((id) => historyOrders.get(id) ?? 0)}::int[],
                  ${touched.map((id) => iso(orderTotals.get(id)?.first))}::timestamptz[],
                  ${touched.map((id) => iso(orderTotals.get(id)?.last))}::timestamptz[]) AS v(id, n, history, first_at, last_at)
      WHERE b.id = v.id`.execute(trx);
  }
  const spendRows = [...spend.values()].sort((a, b) => byText(a.buyerId, b.buyerId) || byText(a.currency, b.currency));
  if (spendRows.length > 0) {
    // Orders add; a history only ever raises the seller's figure, so a replay or a repeat adds nothing.
    await trx
      .insertInto('buyer_spend')
      .values(spendRows.map((r) => ({ buyer_id: r.buyerId, currency: r.currency, registered_minor: r.registered, history_minor: r.history })))
      .onConflict((oc) =>
        oc.columns(['buyer_id', 'currency']).doUpdateSet({
          registered_minor: sql<number>`buyer_spend.registered_minor + excluded.registered_minor`,
          history_minor: sql<number>`GREATEST(buyer_spend.history_minor, excluded.history_minor)`,
        }),
      )
      .execute();
  }
  return counted.map(({ row }) => row);
}

/** One row per (merchant, order): the first parcel counts the order; a later one may only supply a missing value. */
async function countOrders(trx: Transaction<Database>, orders: readonly BuyerOrder[]): Promise<{ order: BuyerOrder; row: CountedOrder }[]> {
  const unique = new Map<string, BuyerOrder>();
  for (const order of orders) {
    const key = orderKey(order.merchantId, order.orderId);
    const known = unique.get(key);
    if (known === undefined || (known.value === null && order.value !== null && known.buyerId === order.buyerId)) unique.set(key, order);
  }
  const values = [...unique.entries()].sort(([a], [b]) => byText(a, b)).map(([, order]) => order);
  if (values.length === 0) return [];
  // Idempotent on (merchant_id, order_id); the update branch only fills a value the order lacked.
  const rows = await trx
    .insertInto('buyer_orders')
    .values(
      values.map((o) => ({
        merchant_id: o.merchantId,
        order_id: o.orderId,
        buyer_id: o.buyerId,
        value_minor: o.value?.amountMinor ?? null,
        currency: o.value?.currency ?? null,
        registered_at: o.registeredAt,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['merchant_id', 'order_id'])
        .doUpdateSet((eb) => ({ value_minor: eb.ref('excluded.value_minor'), currency: eb.ref('excluded.currency') }))
        .where('buyer_orders.value_minor', 'is', null)
        .where('excluded.value_minor', 'is not', null)
        .whereRef('buyer_orders.buyer_id', '=', 'excluded.buyer_id'),
    )
    // xmax is 0 on a row this statement inserted, set on one it updated.
    .returning(['merchant_id', 'order_id', 'buyer_id', 'value_minor', 'currency', sql<boolean>`xmax = 0`.as('inserted')])
    .execute();
  return rows.flatMap((row) => {
    const order = unique.get(orderKey(row.merchant_id, row.order_id));
    if (order === undefined) return [];
    const added = row.value_minor === null || row.currency === null ? null : { amountMinor: row.value_minor, currency: row.currency.trim() };
    return [{ order, row: { merchantId: row.merchant_id, orderId: row.order_id, buyerId: row.buyer_id, newOrder: row.inserted, added } }];
  });
}

/** Lifetime spend per buyer, one amount per currency (registered orders plus history), currencies sorted. */
export async function loadBuyerSpend(db: BuyerExecutor, buyerIds: readonly string[]): Promise<Map<string, SpendAmount[]>> {
  const ids = [...new Set(buyerIds)];
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('buyer_spend')
    .select(['buyer_id', 'currency', sql<number>`registered_minor + history_minor`.as('amount_minor')])
    .where('buyer_id', 'in', ids)
    .orderBy('buyer_id')
    .orderBy('currency')
    .execute();
  const spend = new Map<string, SpendAmount[]>();
  for (const row of rows) {
    const amountMinor = Number(row.amount_minor);
    if (amountMinor === 0) continue;
    spend.set(row.buyer_id, [...(spend.get(row.buyer_id) ?? []), { amountMinor, currency: row.currency.trim() }]);
  }
  return spend;
}

/** Orders (registered plus history) and spend of each buyer. */
export async function loadBuyerTotals(db: BuyerExecutor, buyerIds: readonly string[]): Promise<Map<string, BuyerTotals>> {
  const ids = [...new Set(buyerIds)];
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('buyers').select(['id', 'order_count', 'history_order_count']).where('id', 'in', ids).execute();
  const spend = await loadBuyerSpend(db, ids);
  return new Map(rows.map((row) => [row.id, { buyerId: row.id, orderCount: row.order_count + row.history_order_count, spend: spend.get(row.id) ?? [] }]));
}
