import type { ConnectionOptions } from 'node:tls';
import { Kafka, Partitioners, type Message, type Producer, type SASLOptions } from 'kafkajs';
import type { Logger } from '@parcelwatch/logger';
import type { ConsumerSession, SessionHooks } from './consumer-supervisor.js';
import type { OutgoingRecord, SubscribeOptions } from './event-bus.js';
import { KafkaBusCore, type SessionBase } from './kafka-bus-core.js';
import { kafkaLogLevel, pinoLogCreator } from './kafka-logging.js';
import { openKafkaSession, type KafkaConsumerSettings } from './kafka-session.js';
import type { DeadLetterStore } from './dead-letter.js';
import { TopicAdmin } from './topic-admin.js';

export interface KafkaBusOptions {
  brokers: readonly string[];
  clientId?: string;
  logger?: Logger;
  /** true: TLS with the system's CAs; options: TLS with these (CA, client certificate). */
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Records per produce request; larger publishes are split. Default 1,000. */
  maxRecordsPerRequest?: number;
  consumer?: KafkaConsumerSettings;
  /** Where dead letters are kept besides `<topic>.dlq` (the database: `databaseDeadLetters`). */
  deadLetters?: DeadLetterStore;
}

export type { KafkaEventBus } from './kafka-bus-core.js';

/**
 * EventBus on Kafka (kafkajs). The producer is idempotent (acks=all, one request in flight), so
 * a retried send neither duplicates nor reorders a partition's messages.
 */
export class KafkaBus extends KafkaBusCore {
  readonly kafka: Kafka;
  private readonly producer: Producer;
  private connecting: Promise<void> | undefined;

  constructor(options: KafkaBusOptions) {
    super(options);
    this.kafka = kafkajsClient(options, this.logger);
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // Java-compatible murmur2: other Kafka clients put a shipment's events on the same partition.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((err: unknown) => {
      this.connecting = undefined;
      throw err;
    });
    return this.connecting;
  }

  protected async closeProducer(): Promise<void> {
    if (this.connecting) {
      this.connecting = undefined;
      await this.producer.disconnect();
    }
  }

  protected async produce(records: readonly OutgoingRecord[]): Promise<void> {
    await this.producer.sendBatch({ acks: -1, topicMessages: groupByTopic(records) });
  }

  protected openSession<T>(base: SessionBase, options: SubscribeOptions<T>, hooks: SessionHooks): Promise<ConsumerSession> {
    return openKafkaSession({ ...base, kafka: this.kafka }, options, hooks);
  }

  /** A topic admin on this bus's client; disconnect it when done. */
  topicAdmin(): TopicAdmin {
    return new TopicAdmin(this.kafka, this.logger);
  }
}

/** The kafkajs client for these options, its log lines routed into pino. */
export function kafkajsClient(options: KafkaBusOptions, logger: Logger): Kafka {
  return new Kafka({
    clientId: options.clientId ?? 'parcelwatch',
    brokers: [...options.brokers],
    ...(options.ssl ? { ssl: options.ssl } : {}),
    ...(options.sasl ? { sasl: options.sasl } : {}),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    logLevel: kafkaLogLevel(logger),
    logCreator: pinoLogCreator(logger.child({ component: 'kafkajs' })),
  });
}

function groupByTopic(records: readonly OutgoingRecord[]): { topic: string; messages: Message[] }[] {
  const byTopic = new Map<string, Message[]>();
  for (const record of records) {
    let messages = byTopic.get(record.topic);
    if (!messages) {
      messages = [];
      byTopic.set(record.topic, messages);
    }
    messages.push({ key: record.key, value: record.value, headers: { ...record.headers } });
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
