import { currencyCodeSchema, money, type Money } from '@parcelwatch/contracts';
import type { BuyerTotals, CountedOrder } from '@parcelwatch/db';

/**
 * What a registration event says about its buyer: the lifetime figures once its order is
 * counted. Pure. A batch may carry several orders of one buyer; each event reports the figures
 * after its own order, in input order, so a consumer sees them grow as the orders did.
 */
export interface BuyerFigures {
  lifetimeSpend: Money | null;
  lifetimeSpendByCurrency: Money[];
  orderCount: number;
}

/** A newly registered shipment of an identified buyer, in input order. */
export interface CreatedOrderRef {
  buyerId: string;
  merchantId: string;
  orderId: string;
}

const orderKey = (merchantId: string, orderId: string, buyerId: string) => JSON.stringify([merchantId, orderId, buyerId]);

/**
 * `totals` are the buyers' figures after the whole batch; `counted` what each order added. An
 * order's contribution belongs to the first of its parcels in the batch; the figures after
 * position p are the totals minus the contributions of the buyer's later positions.
 */
export function figuresAfterEachOrder(
  created: readonly CreatedOrderRef[],
  counted: readonly CountedOrder[],
  totals: ReadonlyMap<string, BuyerTotals>,
): BuyerFigures[] {
  const contributions = new Map(counted.map((c) => [orderKey(c.merchantId, c.orderId, c.buyerId), c]));
  const owner: (CountedOrder | null)[] = created.map((ref) => {
    const key = orderKey(ref.merchantId, ref.orderId, ref.buyerId);
    const contribution = contributions.get(key) ?? null;
    contributions.delete(key);
    return contribution;
  });
  return created.map((ref, position) => {
    const final = totals.get(ref.buyerId) ?? { buyerId: ref.buyerId, orderCount: 0, spend: [] };
    const spend = new Map(final.spend.map((s) => [s.currency, s.amountMinor]));
    let orderCount = final.orderCount;
    for (let later = position + 1; later < created.length; later += 1) {
      const contribution = owner[later];
      if (contribution === null || contribution === undefined || created[later]?.buyerId !== ref.buyerId) continue;
      if (contribution.newOrder) orderCount -= 1;
      if (contribution.added !== null) spend.set(contribution.added.currency, (spend.get(contribution.added.currency) ?? 0) - contribution.added.amountMinor);
    }
    const byCurrency = [...spend.entries()]
      .filter(([, amountMinor]) => amountMinor > 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      // Stored codes came through the intake's currency schema; parsing again makes an odd row an error, not a bad event.
      .map(([currency, amountMinor]) => money(amountMinor, currencyCodeSchema.parse(currency)));
    return { lifetimeSpend: byCurrency.length === 1 ? (byCurrency[0] ?? null) : null, lifetimeSpendByCurrency: byCurrency, orderCount };
  });
}
