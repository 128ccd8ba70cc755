import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { countUnpublishedOutbox, createDb, enqueueOutbox, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import type { Kysely } from 'kysely';
import { createIdempotentHandler, OutboxRelay, outboxCommitted, type BatchContext, type OutgoingRecord, type ReceivedMessage } from '../src/index.js';
import { waitFor } from './support/wait-for.js';

/*
 * A consumer's commit that enqueued outbox rows wakes the relays of its process: the events
 * leave at once instead of at the next poll. The relay here polls once an hour, so only a wake
 * can publish anything while the test runs.
 */
const logger = createLogger({ name: 'outbox-wake-test', level: 'silent' });
const context: BatchContext = { groupId: 'g', topic: 't', partition: 0, logger, heartbeat: async () => undefined, isRunning: () => true };
const message = (id: string) => ({ topic: 't', partition: 0, offset: '0', key: 'k', value: null, headers: {}, timestamp: '0', event: { id } }) as unknown as ReceivedMessage<{ id: string }>;

describe('outbox relay woken by commits', () => {
  let db: Kysely<Database>;
  const sent: OutgoingRecord[] = [];
  let relay: OutboxRelay;

  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    relay = new OutboxRelay({ db, bus: { send: async (records) => void sent.push(...records) }, logger, pollIntervalMs: 3_600_000 });
    relay.start();
    // Its first round found nothing; it sleeps for the hour now.
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
  afterAll(async () => {
    await relay?.stop();
    await db?.destroy();
  });

  it('publishes what a handled batch enqueued right after its commit; a batch that enqueued nothing and a bare commit do not wake it', async () => {
    const handler = createIdempotentHandler<{ id: string }>({
      db,
      groupId: 'g',
      apply: (trx, messages) => enqueueOutbox(trx, messages.map((m) => ({ topic: 'downstream', key: 'k', event: { id: `after-${m.event.id}` } }))),
    });
    await handler([message('e1')], context);
    await waitFor('the enqueued event published', () => sent.length === 1, { timeoutMs: 5_000, state: () => sent.length });
    expect(JSON.parse(String(sent[0]!.value))).toEqual({ id: 'after-e1' });

    // Written outside a handler (an api request, say): found at the next poll, an hour away here.
    await db.transaction().execute((trx) => enqueueOutbox(trx, [{ topic: 'downstream', key: 'k', event: { id: 'bare' } }]));
    // Redelivered: nothing applied, nothing enqueued, so no wake (one would publish the bare row).
    await handler([message('e1')], context);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sent).toHaveLength(1);
    expect(await countUnpublishedOutbox(db)).toBe(1);

    // Anyone who committed outbox rows may signal it.
    outboxCommitted();
    await waitFor('the bare row published', () => sent.length === 2, { timeoutMs: 5_000, state: () => sent.length });
    expect(await countUnpublishedOutbox(db)).toBe(0);
  });

  it('afterCommit gets what apply resolved to once the transaction committed, undefined for a redelivery, nothing after a rollback', async () => {
    const seen: Array<{ applied: number | undefined; committed: number }> = [];
    const committedMarks = async () => Number((await db.selectFrom('processed_messages').select(({ fn }) => fn.countAll<string>().as('n')).where('consumer_group', '=', 'after').executeTakeFirstOrThrow()).n);
    let fail = false;
    const pending: Promise<void>[] = [];
    const handler = createIdempotentHandler<{ id: string }, number>({
      db,
      groupId: 'after',
      apply: async (_trx, messages) => {
        if (fail) throw new Error('refused');
        return messages.length;
      },
      // What the transaction wrote is visible outside it by now.
      afterCommit: (applied) => void pending.push(committedMarks().then((committed) => void seen.push({ applied, committed }))),
    });
    await handler([message('a1'), message('a2')], context);
    await handler([message('a1')], context);
    fail = true;
    await expect(handler([message('a3')], context)).rejects.toThrow('refused');
    await Promise.all(pending);
    expect(seen).toEqual([
      { applied: 2, committed: 2 },
      { applied: undefined, committed: 2 },
    ]);
  });
});
