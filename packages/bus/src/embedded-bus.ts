import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Envelope } from '@parcelwatch/contracts';
import { createLogger, type Logger } from '@parcelwatch/logger';
import { processChunk, type ChunkProcessor } from './batch-processor.js';
import { SupervisedConsumer, type ConsumerSession, type SessionHooks } from './consumer-supervisor.js';
import { EmbeddedGroup } from './embedded-group.js';
import { EmbeddedTopic, type PartitionLog } from './embedded-log.js';
import { ConsumerHaltedError, RetriableError } from './errors.js';
import {
  topicList,
  type BusConsumer,
  type EventBus,
  type OutgoingRecord,
  type PublishOptions,
  type RawMessage,
  type SubscribeOptions,
} from './event-bus.js';
import { envelopeParser, type MessageParser } from './message-parsers.js';
import { envelopeRecords } from './outgoing-records.js';
import { retryPolicy } from './retry-policy.js';

export interface EmbeddedBusOptions {
  logger?: Logger;
  /** Partitions of a topic created on first use. Default 4. */
  defaultPartitions?: number;
  /**
   * Memory bound. Messages every consumer group of the topic has committed are dropped; past
   * this many per partition the oldest are dropped even if a lagging group has not read them
   * (as Kafka retention would). Default 100,000.
   */
  maxMessagesPerPartition?: number;
}

/**
 * The in-process EventBus for `parcelwatch start`: partitions by key hash, consumer groups with
 * committed offsets, redelivery of uncommitted chunks, dead-lettering, all like KafkaBus; but
 * nothing survives the process, so it is for one-machine runs, demos and tests only.
 */
export class EmbeddedBus implements EventBus {
  private readonly topics = new Map<string, EmbeddedTopic>();
  private readonly groups = new Map<string, EmbeddedGroup>();
  private readonly consumers = new Set<BusConsumer>();
  private readonly logger: Logger;
  private readonly defaultPartitions: number;
  private readonly maxMessagesPerPartition: number;
  private pulse = deferred();
  private appended = 0;
  private overflowWarned = new Set<string>();

  constructor(options: EmbeddedBusOptions = {}) {
    this.logger = options.logger ?? createLogger({ name: 'embedded-bus' });
    this.defaultPartitions = options.defaultPartitions ?? 4;
    this.maxMessagesPerPartition = options.maxMessagesPerPartition ?? 100_000;
  }

  async connect(): Promise<void> {}

  async disconnect(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    this.consumers.clear();
  }

  /** Creates topics (or adds partitions) ahead of use, like the Kafka topic admin. */
  ensureTopics(specs: readonly { name: string; partitions: number }[]): void {
    for (const spec of specs) {
      const topic = this.topics.get(spec.name);
      if (topic) topic.grow(spec.partitions);
      else this.topics.set(spec.name, new EmbeddedTopic(spec.name, spec.partitions));
    }
  }

  async publish(topic: string, events: readonly Envelope[], options: PublishOptions = {}): Promise<void> {
    await this.send(envelopeRecords(topic, events, options.headers));
  }

  async send(records: readonly OutgoingRecord[]): Promise<void> {
    for (const record of records) {
      const value = typeof record.value === 'string' ? Buffer.from(record.value) : Buffer.from(record.value);
      const log = this.topic(record.topic).append(record.key, value, { ...record.headers });
      this.appended += 1;
      this.enforceBound(log);
    }
    this.notify();
  }

  subscribe<T = Envelope>(options: SubscribeOptions<T>): BusConsumer {
    const logger = (options.logger ?? this.logger).child({ groupId: options.groupId });
    const consumer = new SupervisedConsumer({
      groupId: options.groupId,
      logger,
      restart: options.restart,
      onHalt: options.onHalt,
      open: async (hooks) => new EmbeddedSession(this, this.group(options.groupId), options, logger, hooks),
    });
    this.consumers.add(consumer);
    return consumer;
  }

  /** Every message currently kept on a topic, partition by partition (tooling and tests). */
  readTopic(topic: string): RawMessage[] {
    const found = this.topics.get(topic);
    return found ? found.partitions.flatMap((log) => log.read(log.start, log.size)) : [];
  }

  /** @internal */
  topic(name: string): EmbeddedTopic {
    let topic = this.topics.get(name);
    if (!topic) {
      topic = new EmbeddedTopic(name, this.defaultPartitions);
      this.topics.set(name, topic);
    }
    return topic;
  }

  /** Messages appended to any topic since the bus was made: a change counter for quiescence checks. */
  get appendedCount(): number {
    return this.appended;
  }

  /**
   * True when no consumer holds a chunk and every consumer group has committed everything on
   * the topics it reads: all the work published so far is done (what the handlers wrote to an
   * outbox is the caller's to check).
   */
  isIdle(): boolean {
    for (const group of this.groups.values()) if (!group.caughtUp()) return false;
    return true;
  }

  /** Resolves on the next publish, commit, membership change or stop. */
  changed(): Promise<void> {
    return this.pulse.promise;
  }

  /** @internal */
  notify(): void {
    const current = this.pulse;
    this.pulse = deferred();
    current.resolve();
  }

  /** @internal Drops what every group reading the topic has committed. */
  trim(log: PartitionLog): void {
    const readers = [...this.groups.values()].filter((group) => group.hasCommitted(log.topic));
    if (readers.length === 0) return;
    const safe = Math.min(...readers.map((group) => group.committedOffset(log)));
    // Trimming splices the array: only worth it in bulk.
    if (safe - log.start >= 1_000) log.trimBelow(safe);
  }

  private enforceBound(log: PartitionLog): void {
    if (log.size <= this.maxMessagesPerPartition) return;
    log.trimBelow(log.end - this.maxMessagesPerPartition);
    const key = `${log.topic}#${log.partition}`;
    if (!this.overflowWarned.has(key)) {
      this.overflowWarned.add(key);
      this.logger.warn({ topic: log.topic, partition: log.partition }, 'embedded bus partition full: dropping its oldest messages');
    }
  }

  private group(id: string): EmbeddedGroup {
    let group = this.groups.get(id);
    if (!group) {
      group = new EmbeddedGroup(id, (name) => this.topic(name));
      this.groups.set(id, group);
    }
    return group;
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

class EmbeddedSession<T> implements ConsumerSession {
  private stopping = false;
  private abandoned = false;
  private readonly controller = new AbortController();
  private readonly workers: Promise<void>[];
  private readonly processor: ChunkProcessor<T>;
  private readonly member: { topics: string[]; fromBeginning: boolean };

  constructor(
    private readonly bus: EmbeddedBus,
    private readonly group: EmbeddedGroup,
    private readonly options: SubscribeOptions<T>,
    private readonly logger: Logger,
    private readonly hooks: SessionHooks,
  ) {
    this.member = { topics: topicList(options.topics), fromBeginning: options.fromBeginning ?? true };
    this.processor = {
      groupId: options.groupId,
      handler: options.handler,
      parse: options.parse ?? (envelopeParser() as unknown as MessageParser<T>),
      retry: retryPolicy(options.retry),
      send: (records) => bus.send(records),
      logger,
      signal: this.controller.signal,
    };
    group.join(this.member);
    bus.notify();
    this.workers = Array.from({ length: Math.max(1, options.concurrency ?? 1) }, () => this.work());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.controller.abort(new RetriableError('consumer stopping'));
    this.bus.notify();
    await Promise.all(this.workers);
    this.group.leave(this.member);
    this.bus.notify();
  }

  abandon(): void {
    this.abandoned = true;
  }

  private async work(): Promise<void> {
    // Let the constructor finish before the first claim.
    await Promise.resolve();
    while (!this.stopping) {
      const log = this.group.claim(this.member);
      if (!log) {
        await this.bus.changed();
        continue;
      }
      try {
        await this.consume(log);
      } catch (err) {
        if (!this.stopping) {
          const error = err instanceof ConsumerHaltedError ? err : new ConsumerHaltedError(`embedded consumer failed: ${String(err)}`, log.topic, log.partition, '-1', { cause: err });
          this.hooks.halt(error);
        }
        return;
      } finally {
        this.group.release(log);
        this.bus.notify();
      }
      // Handlers that never wait on I/O would otherwise hold the event loop until the backlog is gone.
      await yieldToEventLoop();
    }
  }

  private async consume(log: PartitionLog): Promise<void> {
    const chunk = log.read(this.group.committedOffset(log), this.options.maxBatchSize ?? 100);
    const last = chunk.at(-1);
    if (!last) return;
    await processChunk(this.processor, chunk, {
      groupId: this.options.groupId,
      topic: log.topic,
      partition: log.partition,
      logger: this.logger.child({ topic: log.topic, partition: log.partition }),
      heartbeat: async () => {},
      isRunning: () => !this.stopping,
    });
    if (this.abandoned) return;
    this.group.commit(log, Number(last.offset) + 1);
    this.bus.trim(log);
  }
}
