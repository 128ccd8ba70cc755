import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createShipmentRegistrar } from '@parcelwatch/api';
import { newId } from '@parcelwatch/contracts';
import { createDb, listAudit, migrateToLatest } from '@parcelwatch/db';
import { fixedClock } from '@parcelwatch/service-kit';
import { buyersEraseCommand } from '../src/commands/buyers.command.js';
import { UsageError } from '../src/commands/carriers.command.js';

function collector() {
  let text = '';
  return { write: (chunk: string) => (text += chunk), text: () => text };
}

/* `parcelwatch buyers erase` on the embedded database: the api's erasure, audited as the cli. */
describe('parcelwatch buyers erase', () => {
  let dataDir: string;
  let mailDir: string;
  let merchantId: string;
  let buyerId: string;
  const previous = process.env['PGLITE_DATA_DIR'];

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pw-buyers-'));
    dataDir = path.join(dir, 'data', 'pglite');
    mailDir = path.join(dir, 'mail');
    const db = await createDb({ kind: 'pglite', dataDir });
    try {
      await migrateToLatest(db);
      merchantId = newId();
      await db.insertInto('merchants').values({ id: merchantId, name: 'Kettle & Co' }).execute();
      // Registered as the api registers them (the contact keeps the PII, the buyer id is derived).
      const registrar = createShipmentRegistrar({ db, clock: fixedClock('2026-11-23T12:00:00Z'), shipmentsTopic: 'shipments' });
      const buyer = { name: 'Jane Erasmus', email: 'jane.cli@buyers.example', phone: '+4915123456789' };
      const results = await registrar.register(
        [
          { merchantId, orderId: 'cli-1', trackingNumber: 'LX123456785CN', destinationCountry: 'DE', buyer },
          { merchantId, orderId: 'cli-2', trackingNumber: 'LX123456785CN', destinationCountry: 'DE', buyer },
        ],
        'api',
      );
      const first = results[0];
      if (first?.status !== 'created' || first.shipment.buyerId === null) throw new Error(`registration failed: ${JSON.stringify(results)}`);
      buyerId = first.shipment.buyerId;
    } finally {
      await db.destroy();
    }
    process.env['PGLITE_DATA_DIR'] = dataDir;
    delete process.env['DATABASE_URL'];
  });
  afterAll(() => {
    if (previous === undefined) delete process.env['PGLITE_DATA_DIR'];
    else process.env['PGLITE_DATA_DIR'] = previous;
  });

  it('blanks the buyer, says what it did, and audits it as the cli', async () => {
    const out = collector();
    expect(await buyersEraseCommand(buyerId, out, { MAIL_COPY_DIR: mailDir })).toBe(0);
    expect(out.text()).toMatch(new RegExp(`^erased buyer ${buyerId} of merchant ${merchantId} \\(purged at [0-9T:.-]+Z\\): 2 contacts over 2 shipments blanked, 0 unsent messages stopped, 0 mail copies deleted\\n$`));
    const db = await createDb({ kind: 'pglite', dataDir });
    try {
      const contacts = await db.selectFrom('shipments as s').innerJoin('buyer_contacts as c', 'c.id', 's.buyer_contact_id').select(['c.name', 'c.email', 'c.phone']).where('s.buyer_id', '=', buyerId).execute();
      expect(contacts).toEqual([0, 1].map(() => ({ name: null, email: null, phone: null })));
      const audit = await listAudit(db, { merchantIds: [merchantId], action: 'buyer.erased' });
      expect(audit.map((entry) => [entry.actor, entry.target_id, entry.details])).toEqual([['cli', buyerId, { shipments: 2, contacts: 2, notificationsStopped: 0 }]]);
    } finally {
      await db.destroy();
    }
  });

  it('refuses an unknown buyer and an id that is not one', async () => {
    await expect(buyersEraseCommand(newId(), collector(), { MAIL_COPY_DIR: mailDir })).rejects.toThrow(UsageError);
    await expect(buyersEraseCommand('jane@example.com', collector())).rejects.toThrow('buyers erase needs a buyer id (a lowercase UUID)');
  });
});
