import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { processChunk, sessionProcessor, type ChunkProcessor } from './batch-processor.js';
import type { ConsumerSession, SessionHooks } from './consumer-supervisor.js';
import type { SessionBase } from './kafka-bus-core.js';
import { ConsumerHaltedError, RetriableError } from './errors.js';
import { topicList, type BatchContext, type RawMessage, type SubscribeOptions } from './event-bus.js';
import { commitResolvedOffsets, CoordinatorTimeoutError, within } from './offset-commit.js';

export interface KafkaConsumerSettings {
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  maxBytesPerPartition?: number;
  maxWaitTimeMs?: number;
  /**
   * How often resolved offsets are committed. Default 0: after every handled chunk, so a crash
   * redelivers at most the chunk in flight.
   */
  commitIntervalMs?: number;
  /**
   * Longest time for a chunk's offset commit (over its retries, see offset-commit.ts) or a
   * heartbeat to go through (default 60 s). Past it the session ends: the supervisor opens a
   * fresh consumer, which resumes from the committed offsets, and the chunk is redelivered
   * (handlers are idempotent).
   */
  coordinatorTimeoutMs?: number;
}

function headerText(value: IHeaders[string]): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
}

export function toRawMessage(topic: string, partition: number, message: KafkaMessage): RawMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const text = headerText(value);
    if (text !== undefined) headers[name] = text;
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value,
    headers,
    timestamp: message.timestamp,
  };
}

export interface KafkaSessionDeps extends SessionBase {
  kafka: Kafka;
}

/**
 * One kafkajs consumer, from joining the group to leaving it. Each restart after a halt uses a
 * fresh consumer, which resumes from the group's committed offsets.
 *
 * Per chunk: parse and dead-letter, run the handler (which commits its database transaction),
 * and only then resolve and commit the chunk's offsets. Nothing of a chunk that did not finish
 * is resolved, so a crash or a halt redelivers it.
 */
export async function openKafkaSession<T>(
  deps: KafkaSessionDeps,
  options: SubscribeOptions<T>,
  hooks: SessionHooks,
): Promise<ConsumerSession> {
  const { settings, logger } = deps;
  const consumer: Consumer = deps.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: settings.sessionTimeoutMs ?? 30_000,
    rebalanceTimeout: settings.rebalanceTimeoutMs ?? 60_000,
    heartbeatInterval: settings.heartbeatIntervalMs ?? 3_000,
    maxBytesPerPartition: settings.maxBytesPerPartition ?? 1_048_576,
    maxWaitTimeInMs: settings.maxWaitTimeMs ?? 500,
  });
  const controller = new AbortController();
  let stopping = false;
  let abandoned = false;
  let halted = false;

  const processor: ChunkProcessor<T> = sessionProcessor(deps, options, controller.signal);
  const maxBatchSize = options.maxBatchSize ?? 100;
  const coordinatorTimeoutMs = settings.coordinatorTimeoutMs ?? 60_000;

  const halt = (error: Error) => {
    if (halted || stopping) return;
    halted = true;
    hooks.halt(error);
  };

  let crashed = false;
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    // kafkajs restarts by itself after retriable crashes; anything else ends this session.
    crashed = true;
    if (!payload.restart) halt(payload.error);
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    crashed = false;
  });

  const eachBatch = async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale, pause }: EachBatchPayload) => {
    const context: BatchContext = {
      groupId: options.groupId,
      topic: batch.topic,
      partition: batch.partition,
      logger: logger.child({ topic: batch.topic, partition: batch.partition }),
      // A rebalance surfacing here must not look like a handler failure; the runner's own
      // heartbeat after the chunk reports it to kafkajs, which rejoins the group.
      heartbeat: () => heartbeat().catch(() => undefined),
      isRunning: () => isRunning() && !stopping,
    };
    const messages = batch.messages.map((message) => toRawMessage(batch.topic, batch.partition, message));
    for (let start = 0; start < messages.length; start += maxBatchSize) {
      if (!isRunning() || isStale() || halted || abandoned) return;
      const chunk = messages.slice(start, start + maxBatchSize);
      try {
        await processChunk(processor, chunk, context);
      } catch (err) {
        if (!(err instanceof ConsumerHaltedError)) throw err;
        // Leave the chunk unresolved: the next consumer of this partition starts at its first message.
        pause();
        halt(err);
        return;
      }
      if (abandoned) return;
      resolveOffset(chunk[chunk.length - 1]!.offset);
      try {
        await commitResolvedOffsets(() => commitOffsetsIfNecessary(), {
          timeoutMs: coordinatorTimeoutMs,
          isRunning: () => isRunning() && !isStale() && !stopping && !abandoned,
          onRetry: (err, attempt) => logger.warn({ err, groupId: options.groupId, topic: batch.topic, partition: batch.partition, attempt }, 'offset commit failed; retrying'),
        });
        await within(heartbeat(), coordinatorTimeoutMs, 'heartbeat');
      } catch (err) {
        if (!(err instanceof CoordinatorTimeoutError)) throw err;
        // Nothing more from this consumer: a late answer must not commit past a redelivery.
        abandoned = true;
        logger.warn({ err, groupId: options.groupId, topic: batch.topic, partition: batch.partition }, 'kafka consumer stuck; reopening it');
        halt(err);
        return;
      }
    }
  };

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: topicList(options.topics), fromBeginning: options.fromBeginning ?? true });
    await consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.max(1, options.concurrency ?? 1),
      autoCommitInterval: settings.commitIntervalMs ?? 0,
      eachBatch,
    });
  } catch (err) {
    await consumer.disconnect().catch(() => undefined);
    throw err;
  }

  return {
    async stop() {
      stopping = true;
      controller.abort(new RetriableError('consumer stopping'));
      // disconnect() stops fetching, waits for the in-flight eachBatch, commits what it
      // resolved, and leaves the group so the partitions move on at once.
      await consumer.disconnect();
    },
    abandon() {
      abandoned = true;
    },
    isHealthy: () => !crashed,
  };
}
