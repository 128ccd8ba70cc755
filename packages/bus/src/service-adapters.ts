import { createDb, type Database, type DbConfig } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import type { Kysely } from 'kysely';
import { databaseDeadLetters } from './dead-letter.js';
import { EmbeddedBus } from './embedded-bus.js';
import type { EventBus } from './event-bus.js';
import { createKafkaBus } from './kafka-client.js';
import { kafkaBusOptions, type KafkaConnectionSettings } from './kafka-connection.js';
import { OutboxRelay } from './outbox-relay.js';

/** The bus half of @parcelwatch/config's AdapterPlan (kept structural: bus does not depend on config). */
export type ServiceBusConfig = ({ kind: 'kafka' } & KafkaConnectionSettings) | { kind: 'embedded' };

export interface ServiceAdapters {
  db: Kysely<Database>;
  bus: EventBus;
  /** Started: the events the service writes to the outbox leave through it. */
  relay: OutboxRelay;
}

/**
 * What every consuming service's main.ts opens first: the database, the bus (connected) and the
 * outbox relay (started), each registered for shutdown in reverse order of opening.
 */
export async function openServiceAdapters(
  plan: { database: DbConfig; bus: ServiceBusConfig },
  logger: Logger,
  register: (name: string, close: () => Promise<void> | void) => void,
): Promise<ServiceAdapters> {
  const db = await createDb(plan.database);
  register('database', () => db.destroy());
  // Dead letters are kept in the database on either bus: counted, listed and replayed from there.
  const deadLetters = databaseDeadLetters(db);
  const bus: EventBus =
    plan.bus.kind === 'kafka'
      ? createKafkaBus(plan.bus.client, { ...kafkaBusOptions(plan.bus, logger.child({ component: 'kafka-bus' })), deadLetters })
      : new EmbeddedBus({ logger, deadLetters });
  await bus.connect();
  register('bus', () => bus.disconnect());
  const relay = new OutboxRelay({ db, bus, logger: logger.child({ component: 'outbox-relay' }) });
  relay.start();
  register('outbox relay', () => relay.stop());
  return { db, bus, relay };
}
