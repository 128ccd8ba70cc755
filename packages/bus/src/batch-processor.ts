import type { Logger } from '@parcelwatch/logger';
import { ConsumerHaltedError, describeError, isRetriable } from './errors.js';
import { deadLetterRecord, storedLetter, type DeadLetter, type DeadLetterStore } from './dead-letter.js';
import type { BatchContext, BatchHandler, OutgoingRecord, RawMessage, ReceivedMessage, SubscribeOptions } from './event-bus.js';
import { envelopeParser, type MessageParser } from './message-parsers.js';
import { retryPolicy, withRetry, type RetryPolicy } from './retry-policy.js';

/**
 * What both adapters do with one chunk of one partition. Shared so that KafkaBus and
 * EmbeddedBus cannot drift apart on parsing, dead-lettering and retries.
 */
export interface ChunkProcessor<T> {
  groupId: string;
  handler: BatchHandler<T>;
  parse: MessageParser<T>;
  retry: RetryPolicy;
  /** Writes records to the DLQ topics; must resolve only once they are durable. */
  send: (records: readonly OutgoingRecord[]) => Promise<void>;
  /** Keeps the letters in the dead-letter store as well (both buses, when they were given one). */
  store?: DeadLetterStore;
  logger: Logger;
  /** Aborted when the consumer stops: pending retries give up and the chunk stays uncommitted. */
  signal?: AbortSignal;
  now?: () => Date;
}

/** A Kafka consumer session's processor: the subscription's handler and parser, dead letters through its bus. */
export function sessionProcessor<T>(
  bus: { send: ChunkProcessor<T>['send']; store?: DeadLetterStore | undefined; logger: Logger },
  options: SubscribeOptions<T>,
  signal: AbortSignal,
): ChunkProcessor<T> {
  return {
    groupId: options.groupId,
    handler: options.handler,
    parse: options.parse ?? (envelopeParser() as unknown as MessageParser<T>),
    retry: retryPolicy(options.retry),
    send: bus.send,
    ...(bus.store ? { store: bus.store } : {}),
    logger: bus.logger,
    signal,
  };
}

export interface ChunkResult {
  handled: number;
  deadLettered: number;
}

function safeParse<T>(parse: MessageParser<T>, message: RawMessage): ReturnType<MessageParser<T>> {
  try {
    return parse(message.value, message);
  } catch (err) {
    return { ok: false, reason: `parser threw: ${describeError(err)}` };
  }
}

/**
 * Parses the chunk, dead-letters what does not parse, and hands the rest to the handler with
 * retries. Resolves once every message is either handled or durably dead-lettered: only then
 * may the caller commit the chunk's offsets. Throws `ConsumerHaltedError` when a retriable
 * failure outlasts the retry policy; the caller must then not commit anything from the chunk.
 */
export async function processChunk<T>(
  processor: ChunkProcessor<T>,
  chunk: readonly RawMessage[],
  context: BatchContext,
): Promise<ChunkResult> {
  const received: ReceivedMessage<T>[] = [];
  const rejected: DeadLetter[] = [];
  for (const message of chunk) {
    const parsed = safeParse(processor.parse, message);
    // Spelled out, not `{ ...message, event }`: that spread is V8's slow path, paid per message.
    if (parsed.ok) {
      const { topic, partition, offset, key, value, headers, timestamp } = message;
      received.push({ topic, partition, offset, key, value, headers, timestamp, event: parsed.event });
    } else rejected.push({ message, reason: `parse: ${parsed.reason}` });
  }

  if (rejected.length > 0) await deadLetter(processor, rejected, context);
  if (received.length === 0) return { handled: 0, deadLettered: rejected.length };

  try {
    await handleWithRetry(processor, received, context);
    return { handled: received.length, deadLettered: rejected.length };
  } catch (err) {
    if (isRetriable(err)) throw halted(err, received, context);
    if (received.length === 1) {
      await deadLetter(processor, [{ message: received[0]!, reason: `handler: ${describeError(err)}` }], context);
      return { handled: 0, deadLettered: rejected.length + 1 };
    }
  }

  // A non-retriable failure somewhere in the chunk: find which messages by replaying them one by
  // one, in order (per-key order holds), and dead-letter only those that fail on their own.
  let handled = 0;
  const failed: DeadLetter[] = [];
  for (const message of received) {
    try {
      await handleWithRetry(processor, [message], context);
      handled += 1;
    } catch (err) {
      if (isRetriable(err)) {
        if (failed.length > 0) await deadLetter(processor, failed, context);
        throw halted(err, [message], context);
      }
      failed.push({ message, reason: `handler: ${describeError(err)}` });
    }
  }
  if (failed.length > 0) await deadLetter(processor, failed, context);
  return { handled, deadLettered: rejected.length + failed.length };
}

function handleWithRetry<T>(processor: ChunkProcessor<T>, messages: ReceivedMessage<T>[], context: BatchContext) {
  const first = messages[0];
  return withRetry(
    () => processor.handler(messages, context),
    processor.retry,
    processor.signal,
    (error, attempt) => {
      context.logger.warn(
        { error: describeError(error), attempt, offset: first?.offset, size: messages.length },
        'handler failed with a retriable error, retrying',
      );
      // Backoff waits can add up to more than the session timeout: stay in the group meanwhile.
      void context.heartbeat().catch(() => undefined);
    },
  );
}

async function deadLetter<T>(processor: ChunkProcessor<T>, letters: DeadLetter[], context: BatchContext) {
  const failedAt = (processor.now ?? (() => new Date()))();
  const records = letters.map((letter) => deadLetterRecord(letter, processor.groupId, failedAt));
  for (const letter of letters) {
    context.logger.warn(
      { offset: letter.message.offset, key: letter.message.key, reason: letter.reason },
      'message dead-lettered',
    );
  }
  try {
    const store = processor.store;
    if (store) await withRetry(() => store(letters.map((letter) => storedLetter(letter, processor.groupId, failedAt))), processor.retry, processor.signal);
    await withRetry(() => processor.send(records), processor.retry, processor.signal);
  } catch (err) {
    // Not being able to write the DLQ must stop the partition, never skip the message.
    const first = letters[0]?.message;
    throw new ConsumerHaltedError(
      `could not write ${records.length} message(s) to the dead-letter topic and store`,
      context.topic,
      context.partition,
      first?.offset ?? '-1',
      { cause: err },
    );
  }
}

function halted<T>(err: unknown, messages: ReceivedMessage<T>[], context: BatchContext): ConsumerHaltedError {
  if (err instanceof ConsumerHaltedError) return err;
  const offset = messages[0]?.offset ?? '-1';
  return new ConsumerHaltedError(
    `handler kept failing on ${context.topic}[${context.partition}] from offset ${offset}`,
    context.topic,
    context.partition,
    offset,
    { cause: err },
  );
}
