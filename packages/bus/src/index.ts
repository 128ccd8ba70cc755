export * from './event-bus.js';
export * from './errors.js';
export { envelopeParser, rawParser, schemaParser, decodeJson, type MessageParser, type ParseOutcome, type SafeParseSchema } from './message-parsers.js';
export { DEFAULT_RETRY_POLICY, retryPolicy, withRetry, type RetryPolicy } from './retry-policy.js';
export { DLQ_HEADERS, deadLetterTopic, deadLetterRecord, databaseDeadLetters, storedLetter, type DeadLetter, type DeadLetterStore } from './dead-letter.js';
export { EVENT_HEADERS, CLOUDEVENTS_JSON, envelopeHeaders, envelopeRecords } from './outgoing-records.js';
export { processChunk, type ChunkProcessor, type ChunkResult } from './batch-processor.js';
export { SupervisedConsumer, type ConsumerSession, type OpenSession, type SessionHooks } from './consumer-supervisor.js';
export { EmbeddedBus, type EmbeddedBusOptions, type HandOver } from './embedded-bus.js';
export { partitionForKey } from './embedded-log.js';
export { KafkaBus, kafkajsClient, type KafkaBusOptions, type KafkaEventBus } from './kafka-bus.js';
export { PlatformaticKafkaBus } from './platformatic-kafka-bus.js';
export { createKafkaBus, KAFKA_CLIENTS, DEFAULT_KAFKA_CLIENT, type KafkaClientName } from './kafka-client.js';
export { toRawMessage, type KafkaConsumerSettings } from './kafka-session.js';
export { pinoLogCreator, kafkaLogLevel } from './kafka-logging.js';
export { TopicAdmin, loadTopicsFile, planTopics, type TopicSpecInput, type EnsureTopicsResult } from './topic-admin.js';
export { OutboxRelay, type OutboxRelayOptions, type AcknowledgingBus } from './outbox-relay.js';
export { onOutboxCommitted, outboxCommitted } from './outbox-commits.js';
export { createIdempotentHandler, defaultMessageId, type IdempotentHandlerOptions } from './idempotent-handler.js';
export type { DbTransaction, TransactionalDb } from './db-types.js';
export {
  kafkaBusOptions,
  kafkaTlsOptions,
  kafkaSaslOptions,
  type KafkaConnectionSettings,
  type KafkaTlsSettings,
  type KafkaSaslSettings,
} from './kafka-connection.js';
export { openServiceAdapters, type ServiceAdapters, type ServiceBusConfig } from './service-adapters.js';
