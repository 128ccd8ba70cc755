import type { Transaction } from 'kysely';
import { insertBuyers, loadBuyerTotals, recordBuyerActivity, type BuyerHistory, type BuyerOrder, type Database, type RegistrationOutcome } from '@parcelwatch/db';
import type { BuyerIdentity } from './buyer-identity.js';
import { figuresAfterEachOrder, type BuyerFigures, type CreatedOrderRef } from './buyer-figures.js';
import type { ShipmentInput } from './shipment-input.schema.js';

/** A registration item with its buyer, as the registrar resolved it. */
export interface BuyerItem {
  input: ShipmentInput;
  identity: BuyerIdentity | null;
  buyerId: string | null;
}

/** Before the shipments, which reference them: every identified buyer the items name. */
export async function insertItemBuyers(trx: Transaction<Database>, items: readonly BuyerItem[]): Promise<void> {
  await insertBuyers(
    trx,
    items.flatMap((item) => (item.buyerId === null || item.identity === null ? [] : [{ id: item.buyerId, merchantId: item.input.merchantId, identifiedBy: item.identity.kind }])),
  );
}

/**
 * The buyer side of a registration, in its transaction, after its shipments: each newly created shipment adds its
 * order to its buyer (once per order: a second parcel or a replay adds nothing), and a history
 * given with any item, created or already known, raises the buyer's figures to it. Returns, per
 * item (same positions as `items`), the figures its registration event reports; null for an
 * item that created nothing or has no identified buyer.
 */
export async function recordRegisteredBuyers(
  trx: Transaction<Database>,
  items: readonly BuyerItem[],
  outcome: RegistrationOutcome,
  at: Date,
): Promise<(BuyerFigures | null)[]> {
  const orders: BuyerOrder[] = [];
  const histories: BuyerHistory[] = [];
  const created: { position: number; ref: CreatedOrderRef }[] = [];
  items.forEach((item, position) => {
    const result = outcome.results[position];
    const history = item.input.buyer?.history;
    if (item.buyerId === null || item.identity === null || result === undefined) return;
    if (!result.created && history === undefined) return;
    const { merchantId, orderId } = item.input;
    if (history !== undefined) histories.push({ buyerId: item.buyerId, orders: history.orders ?? null, spend: history.spend ?? null });
    if (result.created) {
      orders.push({ buyerId: item.buyerId, merchantId, orderId, value: item.input.orderValue ?? null, registeredAt: at });
      created.push({ position, ref: { buyerId: item.buyerId, merchantId, orderId } });
    }
  });
  const figures: (BuyerFigures | null)[] = items.map(() => null);
  if (orders.length === 0 && histories.length === 0) return figures;
  const counted = await recordBuyerActivity(trx, { orders, histories, at });
  if (created.length === 0) return figures;
  const totals = await loadBuyerTotals(trx, created.map((c) => c.ref.buyerId));
  figuresAfterEachOrder(created.map((c) => c.ref), counted, totals).forEach((after, i) => {
    const position = created[i]?.position;
    if (position !== undefined) figures[position] = after;
  });
  return figures;
}
