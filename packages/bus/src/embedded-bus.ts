import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Envelope } from '@parcelwatch/contracts';
import { createLogger, type Logger } from '@parcelwatch/logger';
import { processChunk, type ChunkProcessor } from './batch-processor.js';
import { SupervisedConsumer, type ConsumerSession, type SessionHooks } from './consumer-supervisor.js';
import type { DeadLetterStore } from './dead-letter.js';
import { EmbeddedGroup } from './embedded-group.js';
import { EmbeddedTopic, tpKey, type PartitionLog, type TopicPartitionKey } from './embedded-log.js';
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
   * Memory bound: at most this many messages per partition that a consumer group reading the
   * topic has not committed. A send to a full partition waits until the slowest group has
   * caught up below the bound (backpressure: the outbox relay stops handing over, its rows stay
   * in the outbox); an unread message is never dropped. Messages every group has committed are
   * dropped. A topic no group reads (a `<topic>.dlq` whose letters the dead-letter store keeps)
   * keeps its newest this many, with a warning. Default 100,000.
   */
  maxMessagesPerPartition?: number;
  /** Where dead letters are kept besides `<topic>.dlq` (the database: `databaseDeadLetters`). */
  deadLetters?: DeadLetterStore;
}

/** A hand-over whose messages every group reading their topics has processed (committed). */
export interface HandOver {
  processed: Promise<void>;
}

interface PendingAck {
  offset: number;
  done: () => void;
}

/**
 * The in-process EventBus for `parcelwatch start`: partitions by key hash, consumer groups with
 * committed offsets, redelivery of uncommitted chunks, dead-lettering, all like KafkaBus; but
 * nothing survives the process, so it is for one-machine runs, demos and tests only. The outbox
 * stays the durable log: the relay hands rows over with `handOver` and marks them published only
 * once every group reading their topic has processed them, so a crash re-relays the rest.
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
  private readonly pendingAcks = new Map<TopicPartitionKey, PendingAck[]>();
  private readonly deadLetters: DeadLetterStore | undefined;
  private closed = false;

  constructor(options: EmbeddedBusOptions = {}) {
    this.logger = options.logger ?? createLogger({ name: 'embedded-bus' });
    this.defaultPartitions = options.defaultPartitions ?? 4;
    this.maxMessagesPerPartition = options.maxMessagesPerPartition ?? 100_000;
    this.deadLetters = options.deadLetters;
  }

  async connect(): Promise<void> {
    this.closed = false;
  }

  async disconnect(): Promise<void> {
    // Senders waiting for room give up (their rows stay in the outbox), then consumers stop.
    this.closed = true;
    this.notify();
    this.failPendingAcks();
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

  /** Appends in order; waits while a record's partition holds the bound of unread messages. */
  async send(records: readonly OutgoingRecord[]): Promise<void> {
    await this.append(records);
  }

  /**
   * Appends like `send` and tells when every consumer group reading each record's topic has
   * committed past it: only then is the hand-over durable (the outbox relay marks rows published
   * then). A topic no group reads is processed at once. Rejects when the bus disconnects first.
   */
  async handOver(records: readonly OutgoingRecord[], signal?: AbortSignal): Promise<HandOver> {
    const appended = await this.append(records, signal);
    const processed = Promise.all(appended.map(({ log, offset }) => new Promise<void>((resolve, reject) => this.awaitProcessed(log, offset, resolve, reject)))).then(() => undefined);
    // The caller attaches its own handlers; this one keeps an early rejection from going unhandled.
    processed.catch(() => undefined);
    return { processed };
  }

  private async append(records: readonly OutgoingRecord[], signal?: AbortSignal): Promise<{ log: PartitionLog; offset: number }[]> {
    const appended: { log: PartitionLog; offset: number }[] = [];
    for (const record of records) {
      const topic = this.topic(record.topic);
      const target = topic.partitionFor(record.key);
      while (this.unread(target) >= this.maxMessagesPerPartition) {
        if (this.closed) throw new RetriableError('embedded bus closed while waiting for room');
        if (signal?.aborted) throw new RetriableError('gave up waiting for room on the embedded bus');
        this.warnFull(target);
        // Wake the consumers for what was appended so far, then wait for a commit (or the caller giving up).
        this.notify();
        await abortable(this.changed(), signal);
      }
      if (this.closed) throw new RetriableError('embedded bus closed');
      const value = typeof record.value === 'string' ? Buffer.from(record.value) : Buffer.from(record.value);
      const offset = target.append({ key: record.key, value, headers: { ...record.headers }, timestamp: String(Date.now()) });
      topic.advanceRoundRobin();
      appended.push({ log: target, offset });
      this.appended += 1;
      this.enforceBound(target);
    }
    this.notify();
    return appended;
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

  /** @internal */
  get deadLetterStore(): DeadLetterStore | undefined {
    return this.deadLetters;
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

  /** @internal Drops what every group reading the topic has committed, and settles the hand-overs it covers. */
  trim(log: PartitionLog): void {
    const safe = this.committedByAll(log);
    this.settle(log, safe ?? log.end);
    if (safe === undefined) return;
    // Trimming splices the array: only worth it in bulk.
    if (safe - log.start >= 1_000) log.trimBelow(safe);
  }

  /** The lowest offset the groups reading the log's topic have committed; undefined when none reads it. */
  private committedByAll(log: PartitionLog): number | undefined {
    const readers = [...this.groups.values()].filter((group) => group.hasCommitted(log.topic));
    if (readers.length === 0) return undefined;
    return Math.min(...readers.map((group) => group.committedOffset(log)));
  }

  /** Messages of the partition some group reading the topic has not committed (0 when none reads it). */
  private unread(log: PartitionLog): number {
    const safe = this.committedByAll(log);
    return safe === undefined ? 0 : log.end - safe;
  }

  private awaitProcessed(log: PartitionLog, offset: number, resolve: () => void, reject: (error: Error) => void): void {
    const safe = this.committedByAll(log);
    if (safe === undefined || offset < safe) return resolve();
    const key = tpKey(log.topic, log.partition);
    const pending = this.pendingAcks.get(key) ?? [];
    pending.push({
      offset,
      done: () => (this.closed ? reject(new RetriableError('embedded bus closed before the message was processed')) : resolve()),
    });
    this.pendingAcks.set(key, pending);
  }

  private settle(log: PartitionLog, below: number): void {
    const key = tpKey(log.topic, log.partition);
    const pending = this.pendingAcks.get(key);
    if (!pending) return;
    // Offsets were appended in order, so the settled ones are a prefix.
    let settled = 0;
    while (settled < pending.length && pending[settled]!.offset < below) settled += 1;
    for (const ack of pending.splice(0, settled)) ack.done();
    if (pending.length === 0) this.pendingAcks.delete(key);
  }

  /** Fails every hand-over not processed yet (the bus is closing: their rows stay in the outbox). */
  private failPendingAcks(): void {
    for (const pending of this.pendingAcks.values()) for (const ack of pending) ack.done();
    this.pendingAcks.clear();
  }

  /** Only for a topic no group reads: keeps its newest messages. Read topics wait in `append` instead. */
  private enforceBound(log: PartitionLog): void {
    if (log.size <= this.maxMessagesPerPartition || this.committedByAll(log) !== undefined) return;
    log.trimBelow(log.end - this.maxMessagesPerPartition);
    const key = `${log.topic}#${log.partition}`;
    if (!this.overflowWarned.has(key)) {
      this.overflowWarned.add(key);
      this.logger.warn({ topic: log.topic, partition: log.partition }, 'embedded bus: no group reads this partition and it is full: dropping its oldest messages');
    }
  }

  private warnFull(log: PartitionLog): void {
    const key = `full ${log.topic}#${log.partition}`;
    if (this.overflowWarned.has(key)) return;
    this.overflowWarned.add(key);
    this.logger.warn({ topic: log.topic, partition: log.partition, bound: this.maxMessagesPerPartition }, 'embedded bus partition full of unread messages: senders wait for its consumers');
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

function abortable(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return wait;
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done);
    void wait.then(done);
  });
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
      ...(bus.deadLetterStore ? { store: bus.deadLetterStore } : {}),
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
