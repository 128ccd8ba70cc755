import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { createJourneyStore } from '../journeys/journey.store.js';
import { DEFAULT_JOURNEY_RATES } from '../journeys/journey.types.js';
import { buyerUserIdFor, MarketplaceOrders } from './marketplace-orders.js';

const now = DateTime.fromISO('2025-03-20T00:00:00Z');
const storeOf = () => createJourneyStore({ seed: 4, rates: DEFAULT_JOURNEY_RATES, now: () => now });

describe('marketplace orders', () => {
  it("gives each journey's order the same 19-digit buyer on every run, a different one per order", () => {
    const [first, second] = [storeOf(), storeOf()].map((store) => {
      const orders = new MarketplaceOrders(store);
      return store.createBatch({ count: 20 }).map((journey) => orders.get(journey.orderId)!.userId);
    });
    expect(first).toEqual(second);
    expect(new Set(first).size).toBe(20);
    expect(first!.every((id) => /^7\d{18}$/.test(id))).toBe(true);
  });

  it('knows the buyers of journeys created after it, and of registered orders', () => {
    const store = storeOf();
    const orders = new MarketplaceOrders(store);
    expect(orders.ordersOfBuyer(buyerUserIdFor('anything'))).toEqual([]);
    const [journey] = store.create([{ trackingNumber: 'LX400000001CN' }]);
    expect(orders.ordersOfBuyer(buyerUserIdFor(journey!.orderId))).toEqual([journey!.orderId]);
    orders.register({ orderId: 'SHOP-1', buyerUserId: '7000000000000000042', trackingNumber: 'LX400000001CN' });
    orders.register({ orderId: journey!.orderId, buyerUserId: '7000000000000000042' });
    expect(orders.ordersOfBuyer('7000000000000000042')).toEqual(['SHOP-1', journey!.orderId]);
    expect(orders.ordersOfBuyer(buyerUserIdFor(journey!.orderId))).toEqual([]);
    expect(orders.get('SHOP-1')).toMatchObject({ journey: { trackingNumber: 'LX400000001CN' }, value: null });
    expect(orders.get('UNKNOWN')).toBeUndefined();
  });
});
