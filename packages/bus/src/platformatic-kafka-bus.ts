import { compatibilityPartitioner, ProduceAcks, Producer, stringSerializer, type MessageToProduce } from '@platformatic/kafka';
import type { Envelope } from '@parcelwatch/contracts';
import { createLogger, type Logger } from '@parcelwatch/logger';
import { SupervisedConsumer } from './consumer-supervisor.js';
import { PublishError, isRetriable } from './errors.js';
import type { BusConsumer, OutgoingRecord, PublishOptions, SubscribeOptions } from './event-bus.js';
import { kafkajsClient, type KafkaBusOptions, type KafkaEventBus } from './kafka-bus.js';
import { envelopeRecords } from './outgoing-records.js';
import { platformaticConnection, type PlatformaticConnection } from './platformatic-connection.js';
import { openPlatformaticSession } from './platformatic-session.js';
import { TopicAdmin, type TopicSpecInput } from './topic-admin.js';

type OutgoingMessage = MessageToProduce<string, Buffer, string, string>;

/**
 * EventBus on Kafka with @platformatic/kafka (pure TypeScript, maintained). Same semantics as
 * KafkaBus: an idempotent producer (acks=all, one request in flight, Java-compatible murmur2
 * partitioning so a shipment's events land where every other client puts them), consumer groups
 * whose offsets are committed only after the handler returned, the shared chunk processor for
 * parsing, retries and dead letters, and the shared supervisor for halts and restarts.
 *
 * Topic creation stays on the kafkajs admin (same connection settings): it is an operator's
 * step at start-up, not on the message path.
 */
export class PlatformaticKafkaBus implements KafkaEventBus {
  private readonly connection: PlatformaticConnection;
  private readonly producer: Producer<string, Buffer, string, string>;
  private readonly logger: Logger;
  private readonly consumers = new Set<BusConsumer>();
  private readonly maxRecordsPerRequest: number;
  private connecting: Promise<void> | undefined;

  constructor(private readonly options: KafkaBusOptions) {
    this.logger = options.logger ?? createLogger({ name: 'kafka-bus' });
    this.maxRecordsPerRequest = options.maxRecordsPerRequest ?? 1_000;
    this.connection = platformaticConnection(options);
    this.producer = new Producer({
      ...this.connection,
      idempotent: true,
      acks: ProduceAcks.ALL,
      // The client retries an idempotent producer forever unless told: a broker that stays away
      // must surface as a PublishError, so the outbox relay backs off and reports it.
      retries: 5,
      retryDelay: 300,
      partitioner: compatibilityPartitioner,
      serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
    });
  }

  /** Reaches a broker (and authenticates): a wrong setting fails here, not at the first publish. */
  connect(): Promise<void> {
    this.connecting ??= this.producer.metadata({ topics: [] }).then(
      () => undefined,
      (err: unknown) => {
        this.connecting = undefined;
        throw err;
      },
    );
    return this.connecting;
  }

  async disconnect(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    this.consumers.clear();
    this.connecting = undefined;
    await this.producer.close();
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
        await this.producer.send({ messages: slice.map(toMessage) });
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
        return openPlatformaticSession(
          { connection: this.connection, send: (records) => this.send(records), store: this.options.deadLetters, settings: this.options.consumer ?? {}, logger },
          options,
          hooks,
        );
      },
    });
    this.consumers.add(consumer);
    return consumer;
  }

  topicAdmin(): TopicAdmin {
    return new TopicAdmin(kafkajsClient(this.options, this.logger), this.logger);
  }

  async ensureTopics(specs: readonly TopicSpecInput[]): Promise<void> {
    const admin = this.topicAdmin();
    try {
      await admin.ensureTopics(specs);
    } finally {
      await admin.disconnect();
    }
  }
}

function toMessage(record: OutgoingRecord): OutgoingMessage {
  return {
    topic: record.topic,
    ...(record.key === null ? {} : { key: record.key }),
    value: typeof record.value === 'string' ? Buffer.from(record.value) : record.value,
    headers: new Map(Object.entries(record.headers ?? {})),
  };
}
