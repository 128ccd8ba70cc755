import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import { createTestDatabase } from '@parcelwatch/test-harness';
import { migrations } from '@parcelwatch/migrations';
import { createDb, migrateDownAll, migrateToLatest, type Database } from '../src/index.js';
import { assertSchemaBehaves } from './schema-assertions.js';
import {
  EXPECTED_FUNCTIONS, EXPECTED_INDEXES, EXPECTED_TABLES, everyRelation, indexNames, schemaSnapshot, userFunctions, userTables,
} from './schema-snapshot.js';

const names = Object.keys(migrations).sort();

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

  it('the harness copy is migrated; down removes everything, up rebuilds the same schema', async () => {
    expect(await userTables(db)).toEqual(expect.arrayContaining(EXPECTED_TABLES));
    const templateSchema = await schemaSnapshot(db);

    expect(await migrateDownAll(db)).toEqual([...names].reverse());
    expect(await everyRelation(db)).toEqual([]);
    expect(await userFunctions(db)).toEqual([]);

    expect(await migrateToLatest(db)).toEqual(names);
    expect(await schemaSnapshot(db)).toEqual(templateSchema);
    expect(await indexNames(db)).toEqual(expect.arrayContaining(EXPECTED_INDEXES));
    expect(await userFunctions(db)).toEqual(expect.arrayContaining(EXPECTED_FUNCTIONS));
    await assertSchemaBehaves(db);

    // Down also clears what upkeep made since: detached months and partitions created ahead.
    expect(await migrateDownAll(db)).toEqual([...names].reverse());
    expect(await everyRelation(db)).toEqual([]);
    expect(await migrateToLatest(db)).toEqual(names);
  });
});
