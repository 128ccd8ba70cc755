import type { Envelope } from '@parcelwatch/contracts';
import type { Logger } from '@parcelwatch/logger';
import type { MessageParser } from './message-parsers.js';
import type { RetryPolicy } from './retry-policy.js';

/**
 * The EventBus port. Two adapters implement it with the same observable semantics: `KafkaBus`
 * (kafkajs, production) and `EmbeddedBus` (in-process, `parcelwatch start`).
 *
 * Delivery is at-least-once and ordered per key (the key is the shipment id). A consumer group
 * sees every message of its topics; its offsets advance only after the handler returned, i.e.
 * after the handler's database transaction committed. Handlers must therefore be idempotent:
 * see `createIdempotentHandler`.
 */
export interface EventBus {
  connect(): Promise<void>;
  /** Stops every consumer this bus created (gracefully), then closes the producer. */
  disconnect(): Promise<void>;
  /** Publishes envelopes keyed by `subject`; resolves once every message is acknowledged. */
  publish(topic: string, events: readonly Envelope[], options?: PublishOptions): Promise<void>;
  /** Lower level: records with an explicit key, value and headers, possibly to several topics. */
  send(records: readonly OutgoingRecord[]): Promise<void>;
  subscribe<T = Envelope>(options: SubscribeOptions<T>): BusConsumer;
}

export interface PublishOptions {
  /** Extra headers on every message, e.g. `traceparent`. */
  headers?: Readonly<Record<string, string>>;
}

export interface OutgoingRecord {
  topic: string;
  /** The shipment id; null only when re-sending a keyless message (to a DLQ). */
  key: string | null;
  value: string | Buffer;
  headers?: Readonly<Record<string, string>>;
}

/** A message as it came off the log, before parsing. */
export interface RawMessage {
  topic: string;
  partition: number;
  /** Decimal string, as Kafka offsets exceed 2^53 in theory. */
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Milliseconds since the epoch, as the producer stamped it. */
  timestamp: string;
}

/** A message that passed the subscription's parser; `event` is what the parser returned. */
export interface ReceivedMessage<T = Envelope> extends RawMessage {
  event: T;
}

export interface BatchContext {
  groupId: string;
  topic: string;
  partition: number;
  /** Bound to topic and partition. */
  logger: Logger;
  /** Keeps group membership alive during a long batch (a no-op on the embedded bus). */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping: a long handler may stop early by throwing a RetriableError. */
  isRunning(): boolean;
}

/**
 * Handles one chunk of messages from one partition, in offset order. Commit the database
 * transaction before returning: the offsets are committed right after. Throw a RetriableError
 * (or any transient error) to have the chunk retried; a NonRetriableError makes the consumer
 * replay the chunk one message at a time and dead-letter the messages that still fail.
 */
export type BatchHandler<T = Envelope> = (messages: ReceivedMessage<T>[], context: BatchContext) => Promise<void>;

export interface SubscribeOptions<T = Envelope> {
  topics: string | readonly string[];
  groupId: string;
  handler: BatchHandler<T>;
  /** Defaults to `envelopeParser()`: JSON and the envelope schema. A failure is dead-lettered. */
  parse?: MessageParser<T>;
  /** Most messages handed to one handler call. Default 100. */
  maxBatchSize?: number;
  /** Partitions handled at the same time. Default 1. */
  concurrency?: number;
  /** Where a group without committed offsets starts. Default true (earliest): losing events is worse. */
  fromBeginning?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Delay before a halted consumer starts again (doubles up to the max). */
  restart?: { minDelayMs?: number; maxDelayMs?: number };
  logger?: Logger;
  /** Called when retries are exhausted and the consumer halts (it restarts on its own). */
  onHalt?: (error: Error) => void;
}

export type ConsumerState = 'idle' | 'starting' | 'running' | 'halted' | 'stopping' | 'stopped';

export interface StopOptions {
  /**
   * How long to wait for the in-flight batch. When it elapses the batch is abandoned: its
   * offsets are never committed, so it is redelivered (to this group) after a restart.
   * Default: wait for as long as it takes.
   */
  timeoutMs?: number;
}

export interface BusConsumer {
  readonly groupId: string;
  readonly state: ConsumerState;
  /** Joins the group and starts consuming; resolves once started (not once assigned). */
  start(): Promise<void>;
  /** Stops fetching, finishes the in-flight batch, commits, leaves the group. Safe to call twice. */
  stop(options?: StopOptions): Promise<void>;
  /** False when halted after exhausting retries, crashed, or not started. */
  isHealthy(): boolean;
}

export function topicList(topics: string | readonly string[]): string[] {
  return typeof topics === 'string' ? [topics] : [...topics];
}
