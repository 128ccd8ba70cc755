import type { ConnectionOptions } from 'node:tls';
import { Kafka, Partitioners, type Message, type Producer, type SASLOptions } from 'kafkajs';
import type { Envelope } from '@parcelwatch/contracts';
import { createLogger, type Logger } from '@parcelwatch/logger';
import { SupervisedConsumer } from './consumer-supervisor.js';
import { PublishError, isRetriable } from './errors.js';
import type { BusConsumer, EventBus, OutgoingRecord, PublishOptions, SubscribeOptions } from './event-bus.js';
import { kafkaLogLevel, pinoLogCreator } from './kafka-logging.js';
import { openKafkaSession, type KafkaConsumerSettings } from './kafka-session.js';
import { envelopeRecords } from './outgoing-records.js';
import type { DeadLetterStore } from './dead-letter.js';
import { TopicAdmin, type TopicSpecInput } from './topic-admin.js';

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

/** What both Kafka adapters offer besides the EventBus port: topic creation. */
export interface KafkaEventBus extends EventBus {
  /** A topic admin on this bus's connection settings; disconnect it when done. */
  topicAdmin(): TopicAdmin;
  /** Creates the topics (and their `.dlq` when asked) that do not exist yet. */
  ensureTopics(specs: readonly TopicSpecInput[]): Promise<void>;
}

/**
 * EventBus on Kafka (kafkajs). The producer is idempotent (acks=all, one request in flight), so
 * a retried send neither duplicates nor reorders a partition's messages.
 */
export class KafkaBus implements KafkaEventBus {
  readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly logger: Logger;
  private readonly consumers = new Set<BusConsumer>();
  private readonly maxRecordsPerRequest: number;
  private connecting: Promise<void> | undefined;

  constructor(private readonly options: KafkaBusOptions) {
    this.logger = options.logger ?? createLogger({ name: 'kafka-bus' });
    this.maxRecordsPerRequest = options.maxRecordsPerRequest ?? 1_000;
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

  async disconnect(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    this.consumers.clear();
    if (this.connecting) {
      this.connecting = undefined;
      await this.producer.disconnect();
    }
  }

  async publish(topic: string, events: readonly Envelope[], options: PublishOptions = {}): Promise<void> {
    await this.send(envelopeRecords(topic, events, options.headers));
  }

  async send(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.connect();
    for (let start = 0; start < records.length; start += this.maxRecordsPerRequest) {
      const slice = records.slice(start, start + this.maxRecordsPerRequest);
      try {
        await this.producer.sendBatch({ acks: -1, topicMessages: groupByTopic(slice) });
      } catch (err) {
        throw new PublishError(`could not publish ${slice.length} message(s) to Kafka`, isRetriable(err), { cause: err });
      }
    }
  }

  subscribe<T = Envelope>(options: SubscribeOptions<T>): BusConsumer {
    const logger = (options.logger ?? this.logger).child({ groupId: options.groupId });
    const consumer = new SupervisedConsumer({
      groupId: options.groupId,
      logger,
      restart: options.restart,
      onHalt: options.onHalt,
      open: async (hooks) => {
        // The DLQ writer shares the idempotent producer.
        await this.connect();
        return openKafkaSession(
          { kafka: this.kafka, send: (records) => this.send(records), store: this.options.deadLetters, settings: this.options.consumer ?? {}, logger },
          options,
          hooks,
        );
      },
    });
    this.consumers.add(consumer);
    return consumer;
  }

  /** A topic admin on this bus's client; disconnect it when done. */
  topicAdmin(): TopicAdmin {
    return new TopicAdmin(this.kafka, this.logger);
  }

  /** Creates the topics (and their `.dlq` when asked) that do not exist yet. */
  async ensureTopics(specs: readonly TopicSpecInput[]): Promise<void> {
    const admin = this.topicAdmin();
    try {
      await admin.ensureTopics(specs);
    } finally {
      await admin.disconnect();
    }
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
