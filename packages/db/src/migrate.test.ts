import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { createDb, migrateDownAll, migrateToLatest, MigrationError, type Database } from './index.js';
import { migrations } from '@parcelwatch/migrations';
import { assertSchemaBehaves } from '../test/schema-assertions.js';
import {
  EXPECTED_FUNCTIONS, EXPECTED_INDEXES, EXPECTED_TABLES, everyRelation, indexNames, schemaSnapshot, userFunctions, userTables,
} from '../test/schema-snapshot.js';

// kysely runs migrations in name order, whatever order the record lists them in.
const names = Object.keys(migrations).sort();

describe('migrations on PGlite', () => {
  let db: Kysely<Database>;
  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('up creates the whole data model, down removes it, up again rebuilds the same schema', async () => {
    expect(await migrateToLatest(db)).toEqual(names);
    expect(await userTables(db)).toEqual(expect.arrayContaining(EXPECTED_TABLES));
    expect(await indexNames(db)).toEqual(expect.arrayContaining(EXPECTED_INDEXES));
    expect(await userFunctions(db)).toEqual(expect.arrayContaining(EXPECTED_FUNCTIONS));
    const firstSchema = await schemaSnapshot(db);
    await assertSchemaBehaves(db);

    expect(await migrateDownAll(db)).toEqual([...names].reverse());
    expect(await everyRelation(db)).toEqual([]);
    expect(await userFunctions(db)).toEqual([]);

    expect(await migrateToLatest(db)).toEqual(names);
    expect(await schemaSnapshot(db)).toEqual(firstSchema);
    expect(await migrateToLatest(db)).toEqual([]);
  });
});

describe('a failing migration', () => {
  it('names itself, and leaves nothing half-applied', async () => {
    const db = await createDb({ kind: 'pglite' });
    try {
      const set = {
        '2000-01-01T0000-fine': { up: async (k: Kysely<unknown>) => void (await sql`CREATE TABLE fine (id int)`.execute(k)) },
        '2000-01-01T0001-broken': { up: async (k: Kysely<unknown>) => void (await sql`CREATE TABLE broken (id no_such_type)`.execute(k)) },
      };
      const failure = await migrateToLatest(db, set).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(MigrationError);
      expect(failure).toMatchObject({ migrationName: '2000-01-01T0001-broken', retriable: false });
      expect((failure as Error).message).toContain('2000-01-01T0001-broken');
      // kysely runs a batch in one transaction where DDL is transactional, as on PostgreSQL.
      expect(await userTables(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
