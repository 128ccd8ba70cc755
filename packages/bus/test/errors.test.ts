import { describe, expect, it } from '@jest/globals';
import { ConsumerHaltedError, NonRetriableError, PublishError, RetriableError, describeError, isRetriable } from '../src/index.js';

function pgError(code: string): Error {
  return Object.assign(new Error(`pg ${code}`), { code });
}

describe('isRetriable', () => {
  it('follows an explicit retriable flag, ours and kafkajs-style', () => {
    expect(isRetriable(new RetriableError('db restarting'))).toBe(true);
    expect(isRetriable(new NonRetriableError('unknown shipment'))).toBe(false);
    expect(isRetriable(Object.assign(new Error('KafkaJSProtocolError'), { name: 'KafkaJSProtocolError', retriable: false }))).toBe(false);
    expect(isRetriable(new PublishError('broker down', true, { cause: new Error('x') }))).toBe(true);
  });

  it('retries connection trouble, serialization failures and deadlocks from PostgreSQL', () => {
    for (const code of ['08006', '40001', '40P01', '57P01', '53300']) expect(isRetriable(pgError(code))).toBe(true);
  });

  it('does not retry data exceptions and constraint violations: the message itself is wrong', () => {
    for (const code of ['22P02', '23503', '23505', '23514']) expect(isRetriable(pgError(code))).toBe(false);
  });

  it('retries a missing table or column: a schema not migrated yet must halt, not dead-letter everything', () => {
    expect(isRetriable(pgError('42P01'))).toBe(true);
    expect(isRetriable(pgError('42703'))).toBe(true);
  });

  it('retries network errors and unknown errors, and looks through causes', () => {
    expect(isRetriable(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isRetriable(new Error('something else'))).toBe(true);
    expect(isRetriable('a string')).toBe(true);
    expect(isRetriable(new Error('wrapped', { cause: pgError('23505') }))).toBe(false);
    expect(isRetriable(new ConsumerHaltedError('halted', 't', 0, '1', { cause: new NonRetriableError('x') }))).toBe(true);
  });
});

describe('describeError', () => {
  it('names the error and its causes on one line', () => {
    const error = new NonRetriableError('handler failed', { cause: pgError('23503') });
    expect(describeError(error)).toBe('NonRetriableError: handler failed (cause: Error: pg 23503)');
    expect(describeError(42)).toBe('42');
  });
});
