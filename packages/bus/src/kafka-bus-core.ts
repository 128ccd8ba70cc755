import type { Envelope } from '@parcelwatch/contracts';
import { createLogger, type Logger } from '@parcelwatch/logger';
import { SupervisedConsumer, type ConsumerSession, type SessionHooks } from './consumer-supervisor.js';
import type { DeadLetterStore } from './dead-letter.js';
import { PublishError, isRetriable } from './errors.js';
import type { BusConsumer, EventBus, OutgoingRecord, PublishOptions, SubscribeOptions } from './event-bus.js';
import type { KafkaBusOptions } from './kafka-bus.js';
import type { KafkaConsumerSettings } from './kafka-session.js';
import { envelopeRecords } from './outgoing-records.js';
import type { TopicAdmin, TopicSpecInput } from './topic-admin.js';

/** What both Kafka adapters offer besides the EventBus port: topic creation. */
export interface KafkaEventBus extends EventBus {
  /** A topic admin on this bus's connection settings; disconnect it when done. */
  topicAdmin(): TopicAdmin;
  /** Creates the topics (and their `.dlq` when asked) that do not exist yet. */
  ensureTopics(specs: readonly TopicSpecInput[]): Promise<void>;
}

/** What a client's consumer session needs from its bus, whichever client it is. */
export interface SessionBase {
  /** The dead-letter writer: the bus's own (idempotent) producer. */
  send: (records: readonly OutgoingRecord[]) => Promise<void>;
  store?: DeadLetterStore | undefined;
  settings: KafkaConsumerSettings;
  logger: Logger;
}

/**
 * The part of a Kafka EventBus that does not depend on the client library: produce requests of
 * at most `maxRecordsPerRequest` records, a failed request as a PublishError that says whether
 * to retry, consumers under the shared supervisor (halts, restarts) with their dead letters
 * written through this bus's producer, and topic creation through the adapter's admin. Each
 * adapter (kafkajs, @platformatic/kafka) supplies its producer calls and its consumer session.
 */
export abstract class KafkaBusCore implements KafkaEventBus {
  protected readonly logger: Logger;
  private readonly consumers = new Set<BusConsumer>();
  private readonly maxRecordsPerRequest: number;

  protected constructor(protected readonly options: KafkaBusOptions) {
    this.logger = options.logger ?? createLogger({ name: 'kafka-bus' });
    this.maxRecordsPerRequest = options.maxRecordsPerRequest ?? 1_000;
  }

  /** Reaches a broker with the producer; a wrong setting fails here, not at the first publish. */
  abstract connect(): Promise<void>;
  abstract topicAdmin(): TopicAdmin;
  /** Closes the producer (once every consumer has stopped). */
  protected abstract closeProducer(): Promise<void>;
  /** One produce request, acknowledged by all in-sync replicas. */
  protected abstract produce(records: readonly OutgoingRecord[]): Promise<void>;
  protected abstract openSession<T>(base: SessionBase, options: SubscribeOptions<T>, hooks: SessionHooks): Promise<ConsumerSession>;

  async disconnect(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    this.consumers.clear();
    await this.closeProducer();
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
        await this.produce(slice);
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
        const base: SessionBase = { send: (records) => this.send(records), store: this.options.deadLetters, settings: this.options.consumer ?? {}, logger };
        return this.openSession(base, options, hooks);
      },
    });
    this.consumers.add(consumer);
    return consumer;
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
