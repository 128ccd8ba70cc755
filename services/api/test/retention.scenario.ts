import { expect } from '@jest/globals';
import type { Kysely } from 'kysely';
import { databaseNow, type Database } from '@parcelwatch/db';
import { fixedClock, type Clock } from '@parcelwatch/service-kit';

const DAY = 86_400_000;

/** The pipeline clock of the scenario; the database's own clock stamps outbox and dedupe rows. */
export const PIPELINE_NOW = '2026-03-02T10:00:00.000Z';

export interface SeededRetention {
  clock: Clock;
  /** What the default policy (7 / 35 / 2 days, 90 for untimed receipts) must prune and keep. */
  expected: { outbox: number; processedMessages: number; webhookReceipts: number; mailCopies: number };
}

/**
 * Rows on both sides of each age limit: published outbox rows 10 days and 1 day old, and
 * unpublished ones 30 days old (never pruned); dedupe ids 40 and 1 days old in two groups;
 * webhook receipts 3 days and 1 hour old on the pipeline clock, untimed ones 91 and 3 days old.
 */
export async function seedRetention(db: Kysely<Database>): Promise<SeededRetention> {
  const clock = fixedClock(PIPELINE_NOW);
  const now = (await databaseNow(db)).getTime();
  const at = (ms: number) => new Date(now - ms);
  const outboxRow = (i: number, created: Date, published: Date | null) => ({
    topic: 'shipment.events',
    message_key: `shipment-${i}`,
    event: { id: `event-${i}` },
    headers: {},
    created_at: created,
    published_at: published,
  });
  await db
    .insertInto('outbox')
    .values([
      outboxRow(1, at(10 * DAY), at(10 * DAY)),
      outboxRow(2, at(10 * DAY), at(10 * DAY)),
      outboxRow(3, at(9 * DAY), at(8 * DAY)),
      outboxRow(4, at(DAY), at(DAY)),
      outboxRow(5, at(30 * DAY), null),
      outboxRow(6, at(30 * DAY), null),
    ])
    .execute();
  const ids = (group: string, n: number, age: number) => Array.from({ length: n }, (_, i) => ({ consumer_group: group, message_id: `${group}-${age}-${i}`, processed_at: at(age) }));
  await db
    .insertInto('processed_messages')
    .values([...ids('normalizer', 3, 40 * DAY), ...ids('notifier', 2, 36 * DAY), ...ids('normalizer', 2, DAY)])
    .execute();
  const pipelineNow = clock.now().toMillis();
  // AfterShip's pushes are signed with a time (2 days kept); 17TRACK's are not (90 days kept).
  const receipt = (key: string, age: number) => ({ provider: 'aftership', replay_key: key, body_sha256: 'a'.repeat(64), signed_at: new Date(pipelineNow - age), received_at: new Date(pipelineNow - age) });
  const untimed = (key: string, age: number) => ({ provider: '17track', replay_key: key, body_sha256: 'b'.repeat(64), signed_at: null, received_at: new Date(pipelineNow - age) });
  await db
    .insertInto('webhook_receipts')
    .values([receipt('old-1', 3 * DAY), receipt('old-2', 3 * DAY), receipt('old-3', 2 * DAY + 60_000), receipt('fresh', 3_600_000), untimed('untimed-old', 91 * DAY), untimed('untimed-kept', 3 * DAY)])
    .execute();
  return { clock, expected: { outbox: 3, processedMessages: 5, webhookReceipts: 4, mailCopies: 0 } };
}

/** What is left after pruning: only the rows inside their limits, and every unpublished outbox row. */
export async function expectOnlyRecentLeft(db: Kysely<Database>): Promise<void> {
  const outbox = await db.selectFrom('outbox').select(['message_key', 'published_at']).orderBy('id').execute();
  expect(outbox.map((r) => [r.message_key, r.published_at === null ? 'unpublished' : 'published'])).toEqual([
    ['shipment-4', 'published'],
    ['shipment-5', 'unpublished'],
    ['shipment-6', 'unpublished'],
  ]);
  const ids = await db.selectFrom('processed_messages').select('message_id').orderBy('message_id').execute();
  expect(ids.map((r) => r.message_id)).toEqual([`normalizer-${DAY}-0`, `normalizer-${DAY}-1`]);
  const receipts = await db.selectFrom('webhook_receipts').select('replay_key').execute();
  expect(receipts.map((r) => r.replay_key).sort()).toEqual(['fresh', 'untimed-kept']);
}
