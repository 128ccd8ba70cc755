import { describe, it } from '@jest/globals';
import { createDb } from '@parcelwatch/db';
import { sellerFirstParcel } from './seller-first-parcel.scenario.js';

describe('a seller from an empty database to a first tracked parcel (embedded PostgreSQL)', () => {
  it('migrates, onboards a merchant with the bootstrap key and registers a shipment with its keys', async () => {
    const db = await createDb({ kind: 'pglite' });
    try {
      await sellerFirstParcel(db);
    } finally {
      await db.destroy();
    }
  });
});
