import { describe, expect, it } from '@jest/globals';
import { createEnvelope, type Envelope } from '@parcelwatch/contracts';
import { createLogger } from '@parcelwatch/logger';
import {
  ConsumerHaltedError,
  DLQ_HEADERS,
  NonRetriableError,
  RetriableError,
  envelopeParser,
  processChunk,
  withRetry,
  type BatchContext,
  type ChunkProcessor,
  type OutgoingRecord,
  type RawMessage,
  type ReceivedMessage,
} from '../src/index.js';

const logger = createLogger({ name: 'batch-processor-test', level: 'silent' });
const FAST = { retries: 2, factor: 2, minTimeoutMs: 1, maxTimeoutMs: 5 };

function raw(offset: number, value: string | null, key = 'shp-1'): RawMessage {
  return { topic: 'shipments', partition: 2, offset: String(offset), key, value: value === null ? null : Buffer.from(value), headers: { 'x-h': 'v' }, timestamp: '0' };
}

function event(n: number): string {
  return JSON.stringify(createEnvelope({ type: 'parcelwatch.test.n.v1', source: 's', subject: 'shp-1', merchantid: 'm', data: { n } }));
}

const context: BatchContext = {
  groupId: 'g',
  topic: 'shipments',
  partition: 2,
  logger,
  heartbeat: async () => {},
  isRunning: () => true,
};

function processor(handler: ChunkProcessor<Envelope>['handler'], sent: OutgoingRecord[], send?: ChunkProcessor<Envelope>['send']): ChunkProcessor<Envelope> {
  return {
    groupId: 'g',
    handler,
    parse: envelopeParser(),
    retry: FAST,
    send: send ?? (async (records) => void sent.push(...records)),
    logger,
    now: () => new Date('2025-03-01T00:00:00Z'),
  };
}

const dataOf = (messages: ReceivedMessage<Envelope>[]) => messages.map((m) => (m.event.data as { n: number }).n);

describe('processChunk', () => {
  it('dead-letters what does not parse, with the original bytes and dlq headers, and hands on the rest', async () => {
    const sent: OutgoingRecord[] = [];
    const calls: number[][] = [];
    const result = await processChunk(processor(async (messages) => void calls.push(dataOf(messages)), sent), [raw(10, event(1)), raw(11, 'nope'), raw(12, null), raw(13, event(2))], context);
    expect(result).toEqual({ handled: 2, deadLettered: 2 });
    expect(calls).toEqual([[1, 2]]);
    expect(sent.map((record) => record.topic)).toEqual(['shipments.dlq', 'shipments.dlq']);
    expect(sent[0]?.value.toString()).toBe('nope');
    expect(sent[0]?.key).toBe('shp-1');
    expect(sent[0]?.headers).toEqual({
      'x-h': 'v',
      [DLQ_HEADERS.reason]: expect.stringMatching(/^parse: not valid JSON/),
      [DLQ_HEADERS.sourceTopic]: 'shipments',
      [DLQ_HEADERS.sourcePartition]: '2',
      [DLQ_HEADERS.sourceOffset]: '11',
      [DLQ_HEADERS.consumerGroup]: 'g',
      [DLQ_HEADERS.failedAt]: '2025-03-01T00:00:00.000Z',
    });
    expect(sent[1]?.headers?.[DLQ_HEADERS.reason]).toBe('parse: empty message: no value');
  });

  it('treats a parser that throws as a parse failure', async () => {
    const sent: OutgoingRecord[] = [];
    const proc = { ...processor(async () => {}, sent), parse: () => { throw new TypeError('boom'); } };
    await processChunk(proc, [raw(1, event(1))], context);
    expect(sent[0]?.headers?.[DLQ_HEADERS.reason]).toBe('parse: parser threw: TypeError: boom');
  });

  it('isolates a non-retriable failure by replaying one message at a time, in order', async () => {
    const sent: OutgoingRecord[] = [];
    const calls: number[][] = [];
    const handler = async (messages: ReceivedMessage<Envelope>[]) => {
      calls.push(dataOf(messages));
      if (dataOf(messages).includes(2)) throw new NonRetriableError('bad shipment');
    };
    const result = await processChunk(processor(handler, sent), [raw(1, event(1)), raw(2, event(2)), raw(3, event(3))], context);
    expect(result).toEqual({ handled: 2, deadLettered: 1 });
    expect(calls).toEqual([[1, 2, 3], [1], [2], [3]]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.headers?.[DLQ_HEADERS.sourceOffset]).toBe('2');
    expect(sent[0]?.headers?.[DLQ_HEADERS.reason]).toBe('handler: NonRetriableError: bad shipment');
  });

  it('halts when a retriable failure outlasts the policy, dead-lettering nothing', async () => {
    const sent: OutgoingRecord[] = [];
    let attempts = 0;
    const handler = async () => {
      attempts += 1;
      throw new RetriableError('db down');
    };
    const error = await processChunk(processor(handler, sent), [raw(7, event(1)), raw(8, event(2))], context).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConsumerHaltedError);
    expect((error as ConsumerHaltedError).offset).toBe('7');
    expect(attempts).toBe(3);
    expect(sent).toEqual([]);
  });

  it('halts rather than skip when the dead-letter topic cannot be written', async () => {
    let handled = 0;
    const send = async () => {
      throw new RetriableError('broker down');
    };
    const error = await processChunk(processor(async () => void (handled += 1), [], send), [raw(1, 'bad'), raw(2, event(2))], context).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConsumerHaltedError);
    expect(handled).toBe(0);
  });
});

describe('withRetry', () => {
  it('stops waiting between attempts when aborted', async () => {
    const controller = new AbortController();
    let attempts = 0;
    const slow = { retries: 5, factor: 1, minTimeoutMs: 60_000, maxTimeoutMs: 60_000 };
    const running = withRetry(async () => {
      attempts += 1;
      throw new RetriableError('down');
    }, slow, controller.signal);
    controller.abort(new RetriableError('stopping'));
    await expect(running).rejects.toThrow('stopping');
    expect(attempts).toBe(1);
  });

  it('keeps the result of an attempt that succeeded while the signal was aborted', async () => {
    const controller = new AbortController();
    const result = await withRetry(async () => {
      controller.abort(new Error('stopping'));
      return 'done';
    }, FAST, controller.signal);
    expect(result).toBe('done');
  });
});
