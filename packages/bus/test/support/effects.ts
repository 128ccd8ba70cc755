import type { Generated } from 'kysely';
import type { Envelope } from '@parcelwatch/contracts';
import type { createDb } from '@parcelwatch/db';
import { createIdempotentHandler, type BatchHandler, type ReceivedMessage, type TransactionalDb } from '../../src/index.js';

export type Db = Awaited<ReturnType<typeof createDb>>;

/**
 * A stand-in for a service's effects: one row per applied event, with no unique constraint,
 * so only processed_messages stands between a redelivery and a duplicate row.
 */
export const EFFECTS_TABLE = 'bus_contract_effects';

type EffectsTables = {
  bus_contract_effects: {
    id: Generated<number>;
    message_id: string;
    shipment_id: string;
    seq: number;
    consumer: string;
  };
};

export async function createEffectsTable(db: Db): Promise<void> {
  await db.schema
    .createTable(EFFECTS_TABLE)
    .ifNotExists()
    .addColumn('id', 'bigserial', (column) => column.primaryKey())
    .addColumn('message_id', 'text', (column) => column.notNull())
    .addColumn('shipment_id', 'text', (column) => column.notNull())
    .addColumn('seq', 'integer', (column) => column.notNull())
    .addColumn('consumer', 'text', (column) => column.notNull())
    .execute();
}

export interface EffectsHandlerOptions {
  db: TransactionalDb;
  groupId: string;
  consumer: string;
  /** After the transaction committed: every id in the chunk, and those that were applied (not duplicates). */
  afterCommit?: (all: ReceivedMessage<Envelope>[], applied: string[]) => Promise<void> | void;
}

/** The idempotent handler under test: dedupe and effects in one transaction. */
export function effectsHandler(options: EffectsHandlerOptions): BatchHandler<Envelope> {
  return async (messages, context) => {
    // Per call: chunks of different partitions run concurrently.
    const applied: string[] = [];
    const handle = createIdempotentHandler<Envelope>({
      db: options.db,
      groupId: options.groupId,
      apply: async (trx, fresh) => {
        await trx
          .withTables<EffectsTables>()
          .insertInto(EFFECTS_TABLE)
          .values(
            fresh.map((message) => ({
              message_id: message.event.id,
              shipment_id: message.event.subject,
              seq: (message.event.data as { seq: number }).seq,
              consumer: options.consumer,
            })),
          )
          .execute();
        applied.push(...fresh.map((message) => message.event.id));
      },
    });
    await handle(messages, context);
    await options.afterCommit?.(messages, applied);
  };
}

export async function effectStats(db: Db): Promise<{ rows: number; distinct: number }> {
  const row = await db
    .withTables<EffectsTables>()
    .selectFrom(EFFECTS_TABLE)
    .select((eb) => [eb.fn.countAll<string>().as('rows'), eb.fn.count<string>('message_id').distinct().as('distinct')])
    .executeTakeFirstOrThrow();
  return { rows: Number(row.rows), distinct: Number(row.distinct) };
}

export async function effectRowsFor(db: Db, messageIds: readonly string[]): Promise<number> {
  if (messageIds.length === 0) return 0;
  const row = await db
    .withTables<EffectsTables>()
    .selectFrom(EFFECTS_TABLE)
    .select((eb) => eb.fn.countAll<string>().as('rows'))
    .where('message_id', 'in', [...messageIds])
    .executeTakeFirstOrThrow();
  return Number(row.rows);
}

export async function processedCount(db: Db, groupId: string): Promise<number> {
  const row = await db
    .selectFrom('processed_messages')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('consumer_group', '=', groupId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
