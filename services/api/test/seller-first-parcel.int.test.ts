import { describe, it } from '@jest/globals';
import { createDb } from '@parcelwatch/db';
import { createTestDatabase } from '@parcelwatch/test-harness';
import { sellerFirstParcel } from './seller-first-parcel.scenario.js';

describe('a seller from an empty database to a first tracked parcel (PostgreSQL)', () => {
  it('onboards a merchant with the bootstrap key and registers a shipment with its keys', async () => {
    const database = await createTestDatabase();
    const db = await createDb({ kind: 'postgres', url: database.url, max: 4 });
    try {
      await sellerFirstParcel(db);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
