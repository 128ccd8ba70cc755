import { compatibilityPartitioner, ProduceAcks, Producer, stringSerializer, type MessageToProduce } from '@platformatic/kafka';
import type { ConsumerSession, SessionHooks } from './consumer-supervisor.js';
import type { OutgoingRecord, SubscribeOptions } from './event-bus.js';
import { kafkajsClient, type KafkaBusOptions } from './kafka-bus.js';
import { KafkaBusCore, type SessionBase } from './kafka-bus-core.js';
import { platformaticConnection, type PlatformaticConnection } from './platformatic-connection.js';
import { openPlatformaticSession } from './platformatic-session.js';
import { TopicAdmin } from './topic-admin.js';

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
export class PlatformaticKafkaBus extends KafkaBusCore {
  private readonly connection: PlatformaticConnection;
  private readonly producer: Producer<string, Buffer, string, string>;
  private connecting: Promise<void> | undefined;

  constructor(options: KafkaBusOptions) {
    super(options);
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

  protected async closeProducer(): Promise<void> {
    this.connecting = undefined;
    await this.producer.close();
  }

  protected async produce(records: readonly OutgoingRecord[]): Promise<void> {
    await this.producer.send({ messages: records.map(toMessage) });
  }

  protected openSession<T>(base: SessionBase, options: SubscribeOptions<T>, hooks: SessionHooks): Promise<ConsumerSession> {
    return openPlatformaticSession({ ...base, connection: this.connection }, options, hooks);
  }

  topicAdmin(): TopicAdmin {
    return new TopicAdmin(kafkajsClient(this.options, this.logger), this.logger);
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
