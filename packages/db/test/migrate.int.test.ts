import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import { createTestDatabase } from '@parcelwatch/test-harness';
import { migrations } from '@parcelwatch/migrations';
import { createDb, migrateDownAll, migrateToLatest, type Database } from '../src/index.js';
import { EXPECTED_INDEXES, EXPECTED_TABLES, assertSchemaBehaves, indexNames, userTables } from './schema-assertions.js';

describe('migrations on PostgreSQL', () => {
  let db: Kysely<Database>;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const copy = await createTestDatabase();
    drop = copy.drop;
    db = await createDb({ kind: 'postgres', url: copy.url, max: 2 });
  });
  afterAll(async () => {
    await db.destroy();
    await drop();
  });

  it('the harness copy is migrated; down removes everything, up rebuilds it', async () => {
    expect(await userTables(db)).toEqual(EXPECTED_TABLES);
    expect(await migrateDownAll(db)).toEqual(Object.keys(migrations).reverse());
    expect(await userTables(db)).toEqual([]);
    expect(await migrateToLatest(db)).toEqual(Object.keys(migrations));
    expect(await userTables(db)).toEqual(EXPECTED_TABLES);
    expect(await indexNames(db)).toEqual(expect.arrayContaining(EXPECTED_INDEXES));
    await assertSchemaBehaves(db);
    expect(await migrateDownAll(db)).toHaveLength(Object.keys(migrations).length);
    expect(await userTables(db)).toEqual([]);
  });
});
