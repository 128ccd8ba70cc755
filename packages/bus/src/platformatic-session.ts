import { Consumer, MessagesStreamFallbackModes, MessagesStreamModes, type Message, type MessagesStream } from '@platformatic/kafka';
import { processChunk, sessionProcessor, type ChunkProcessor } from './batch-processor.js';
import type { ConsumerSession, SessionHooks } from './consumer-supervisor.js';
import type { SessionBase } from './kafka-bus-core.js';
import { RetriableError } from './errors.js';
import { topicList, type BatchContext, type RawMessage, type SubscribeOptions } from './event-bus.js';
import { commitResolvedOffsets, CoordinatorTimeoutError } from './offset-commit.js';
import type { PlatformaticConnection } from './platformatic-connection.js';

type Incoming = Message<Buffer, Buffer, Buffer, Buffer>;

export interface PlatformaticSessionDeps extends SessionBase {
  connection: PlatformaticConnection;
}

export function toRawMessage(message: Incoming): RawMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of message.headers) headers[name.toString('utf8')] = value.toString('utf8');
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset.toString(),
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value ?? null,
    headers,
    timestamp: message.timestamp.toString(),
  };
}

/** One partition's messages waiting for the handler, in offset order. */
interface PartitionQueue {
  topic: string;
  partition: number;
  messages: Incoming[];
  /** The offset after the last message queued: a refetch after a rejoin repeats what is already queued. */
  nextOffset: bigint;
  draining: boolean;
}

/**
 * One @platformatic/kafka consumer, from joining the group to leaving it (the kafkajs session's
 * twin, see kafka-session.ts). The client streams messages; this session sorts them into one
 * queue per partition and hands each queue to the shared chunk processor, at most `concurrency`
 * partitions at a time, one chunk of a partition at a time (per-key order). A chunk's offset is
 * committed only after the handler returned; a chunk that did not finish is never committed,
 * so a crash, a halt or a lost partition redelivers it. The stream is paused while too many
 * messages wait, so a slow handler bounds memory instead of buffering the topic.
 */
export async function openPlatformaticSession<T>(
  deps: PlatformaticSessionDeps,
  options: SubscribeOptions<T>,
  hooks: SessionHooks,
): Promise<ConsumerSession> {
  const { settings, logger } = deps;
  const maxBatchSize = options.maxBatchSize ?? 100;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const coordinatorTimeoutMs = settings.coordinatorTimeoutMs ?? 60_000;
  // Enough for every running partition's next chunk and the one after it.
  const highWater = Math.max(1_000, maxBatchSize * concurrency * 4);
  const lowWater = Math.floor(highWater / 2);

  const consumer = new Consumer({
    ...deps.connection,
    groupId: options.groupId,
    sessionTimeout: settings.sessionTimeoutMs ?? 30_000,
    rebalanceTimeout: settings.rebalanceTimeoutMs ?? 60_000,
    heartbeatInterval: settings.heartbeatIntervalMs ?? 3_000,
    maxWaitTime: settings.maxWaitTimeMs ?? 500,
    maxBytesPerPartition: settings.maxBytesPerPartition ?? 1_048_576,
    autocommit: false,
  });
  const controller = new AbortController();
  let stopping = false;
  let abandoned = false;
  let halted = false;
  let failed = false;
  let buffered = 0;
  const queues = new Map<string, PartitionQueue>();
  const ready: PartitionQueue[] = [];
  const inFlight = new Set<Promise<void>>();

  const processor: ChunkProcessor<T> = sessionProcessor(deps, options, controller.signal);

  let stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  const halt = (error: Error) => {
    if (halted || stopping) return;
    halted = true;
    stream?.pause();
    hooks.halt(error);
  };
  const working = () => !stopping && !halted && !abandoned;
  const assigned = (topic: string, partition: number) =>
    consumer.assignments?.some((assignment) => assignment.topic === topic && assignment.partitions.includes(partition)) ?? false;

  const release = (count: number) => {
    buffered -= count;
    if (buffered <= lowWater && stream?.isPaused() && working()) stream.resume();
  };

  const drain = async (queue: PartitionQueue) => {
    const context: BatchContext = {
      groupId: options.groupId,
      topic: queue.topic,
      partition: queue.partition,
      logger: logger.child({ topic: queue.topic, partition: queue.partition }),
      // The client heartbeats on its own timer, also while a handler runs.
      heartbeat: async () => {},
      isRunning: working,
    };
    while (queue.messages.length > 0 && working()) {
      if (!assigned(queue.topic, queue.partition)) {
        // Revoked: its new owner starts from the committed offset, so drop what waits here.
        release(queue.messages.length);
        queue.messages = [];
        queues.delete(`${queue.topic}:${queue.partition}`);
        return;
      }
      const chunk = queue.messages.splice(0, maxBatchSize);
      release(chunk.length);
      try {
        await processChunk(processor, chunk.map(toRawMessage), context);
      } catch (err) {
        // Leave the chunk uncommitted: the next consumer of this partition starts at its first message.
        halt(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (abandoned || !assigned(queue.topic, queue.partition)) continue;
      const last = chunk[chunk.length - 1]!;
      try {
        await commitResolvedOffsets(async () => void (await last.commit()), {
          timeoutMs: coordinatorTimeoutMs,
          isRunning: () => !abandoned && !halted && assigned(queue.topic, queue.partition),
          onRetry: (err, attempt) => logger.warn({ err, groupId: options.groupId, topic: queue.topic, partition: queue.partition, attempt }, 'offset commit failed; retrying'),
        });
      } catch (err) {
        // Lost in a rebalance meanwhile: its new owner redelivers the chunk from the committed offset.
        if (!(err instanceof CoordinatorTimeoutError) && !assigned(queue.topic, queue.partition)) continue;
        // Nothing more from this consumer: a late answer must not commit past a redelivery.
        if (err instanceof CoordinatorTimeoutError) abandoned = true;
        logger.warn({ err, groupId: options.groupId, topic: queue.topic, partition: queue.partition }, 'offset commit failed; reopening the consumer');
        halt(err instanceof Error ? err : new Error(String(err)));
        return;
      }
    }
  };

  const schedule = () => {
    while (inFlight.size < concurrency && ready.length > 0 && working()) {
      const queue = ready.shift()!;
      queue.draining = true;
      const run: Promise<void> = drain(queue).finally(() => {
        queue.draining = false;
        inFlight.delete(run);
        if (queue.messages.length > 0 && working()) ready.push(queue);
        schedule();
      });
      inFlight.add(run);
    }
  };

  let scheduled = false;
  const onMessage = (message: Incoming) => {
    if (!working()) return;
    const key = `${message.topic}:${message.partition}`;
    let queue = queues.get(key);
    if (!queue) {
      queue = { topic: message.topic, partition: message.partition, messages: [], nextOffset: -1n, draining: false };
      queues.set(key, queue);
    }
    if (message.offset < queue.nextOffset) return;
    queue.nextOffset = message.offset + 1n;
    queue.messages.push(message);
    buffered += 1;
    if (buffered >= highWater) stream?.pause();
    if (!queue.draining && !ready.includes(queue)) ready.push(queue);
    // A fetch delivers its messages one by one: start after it, so the first chunk is a full one.
    if (!scheduled) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        schedule();
      });
    }
  };

  consumer.on('consumer:group:join', () => {
    // Partitions this member lost: their queued messages belong to the new owner now.
    for (const [key, queue] of queues) {
      if (assigned(queue.topic, queue.partition) || queue.draining) continue;
      release(queue.messages.length);
      queues.delete(key);
      const index = ready.indexOf(queue);
      if (index >= 0) ready.splice(index, 1);
    }
  });

  try {
    stream = await consumer.consume({
      topics: topicList(options.topics),
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: options.fromBeginning ?? true ? MessagesStreamFallbackModes.EARLIEST : MessagesStreamFallbackModes.LATEST,
      autocommit: false,
    });
  } catch (err) {
    try {
      await consumer.close(true);
    } catch {
      // The error that matters is the one that stopped the start.
    }
    throw err;
  }
  stream.on('data', onMessage);
  stream.on('error', (err: Error) => {
    failed = true;
    logger.warn({ err, groupId: options.groupId }, 'kafka consumer stream failed; reopening it');
    halt(err);
  });

  return {
    async stop() {
      stopping = true;
      controller.abort(new RetriableError('consumer stopping'));
      stream?.pause();
      // Finish the chunks in flight (and their commits), then leave the group so the
      // partitions move on at once.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await stream?.close().catch((err: unknown) => logger.warn({ err }, 'closing the kafka message stream failed'));
      await consumer.close(true);
    },
    abandon() {
      abandoned = true;
    },
    isHealthy: () => !failed,
  };
}
