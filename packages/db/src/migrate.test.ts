import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import { createDb, migrateDownAll, migrateToLatest, type Database } from './index.js';
import { migrations } from '@parcelwatch/migrations';
import { EXPECTED_INDEXES, EXPECTED_TABLES, assertSchemaBehaves, indexNames, userTables } from '../test/schema-assertions.js';

describe('migrations on PGlite', () => {
  let db: Kysely<Database>;
  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('up creates the whole data model, down removes it, up again works', async () => {
    expect(await migrateToLatest(db)).toEqual(Object.keys(migrations));
    expect(await userTables(db)).toEqual(EXPECTED_TABLES);
    expect(await indexNames(db)).toEqual(expect.arrayContaining(EXPECTED_INDEXES));
    await assertSchemaBehaves(db);

    expect(await migrateDownAll(db)).toEqual(Object.keys(migrations).reverse());
    expect(await userTables(db)).toEqual([]);

    await migrateToLatest(db);
    expect(await userTables(db)).toEqual(EXPECTED_TABLES);
    expect(await migrateToLatest(db)).toEqual([]);
  }, 60_000);
});
