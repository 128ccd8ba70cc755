import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDb, listCheckpointPartitions, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { createCheckpointUpkeep } from '../src/checkpoint-upkeep.js';

const logger = createLogger({ name: 'upkeep-test', level: 'silent' });

describe('checkpoint partition upkeep', () => {
  let db: Kysely<Database>;

  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
  });

  afterAll(async () => {
    await db.destroy();
  });

  it("keeps the Clock's month and the months ahead partitioned, once", async () => {
    const clock = fixedClock('2040-01-20T00:00:00Z');
    const upkeep = createCheckpointUpkeep({ db, clock, logger, monthsAhead: 2 });
    expect(await upkeep.runOnce()).toBe(3);
    expect(await upkeep.runOnce()).toBe(0);
    const names = (await listCheckpointPartitions(db)).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['checkpoints_y2040m01', 'checkpoints_y2040m02', 'checkpoints_y2040m03']));
    expect(names).not.toContain('checkpoints_y2040m04');

    clock.advance({ months: 1 });
    expect(await upkeep.runOnce()).toBe(1);
    expect((await listCheckpointPartitions(db)).map((p) => p.name)).toContain('checkpoints_y2040m04');
  });
});
