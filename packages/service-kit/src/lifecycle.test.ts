import { describe, expect, it, jest } from '@jest/globals';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle } from './lifecycle.js';

const logger = createLogger({ name: 'lifecycle-test', level: 'silent' });

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createLifecycle', () => {
  it('runs closers once, last registered first, then exits 0', async () => {
    const exit = jest.fn<(code: number) => void>();
    const lifecycle = createLifecycle({ logger, exit, handleProcessEvents: false });
    const order: string[] = [];
    lifecycle.register('pool', () => void order.push('pool'));
    lifecycle.register('producer', async () => void order.push('producer'));
    lifecycle.register('consumer', () => void order.push('consumer'));

    const first = lifecycle.stop();
    const second = lifecycle.stop();
    expect(second).toBe(first);
    expect(lifecycle.stopping).toBe(true);
    await Promise.all([first, second, lifecycle.stop()]);

    expect(order).toEqual(['consumer', 'producer', 'pool']);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('waits for a closer to finish before running the next one', async () => {
    const exit = jest.fn<(code: number) => void>();
    const lifecycle = createLifecycle({ logger, exit, handleProcessEvents: false });
    const inFlight = deferred();
    const order: string[] = [];
    lifecycle.register('pool', () => void order.push('pool closed'));
    lifecycle.register('consumer', async () => {
      order.push('consumer draining');
      await inFlight.promise;
      order.push('consumer drained');
    });
    const stopped = lifecycle.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['consumer draining']);
    inFlight.resolve();
    await stopped;
    expect(order).toEqual(['consumer draining', 'consumer drained', 'pool closed']);
  });

  it('exits 1 when stopped with an error', async () => {
    const exit = jest.fn<(code: number) => void>();
    const lifecycle = createLifecycle({ logger, exit, handleProcessEvents: false });
    const closed = jest.fn<() => void>();
    lifecycle.register('pool', closed);
    await lifecycle.stop(new Error('consumer crashed'));
    expect(closed).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('keeps closing after a closer fails, and exits 1', async () => {
    const exit = jest.fn<(code: number) => void>();
    const lifecycle = createLifecycle({ logger, exit, handleProcessEvents: false });
    const poolClosed = jest.fn<() => void>();
    lifecycle.register('pool', poolClosed);
    lifecycle.register('producer', () => {
      throw new Error('flush failed');
    });
    await lifecycle.stop();
    expect(poolClosed).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('gives up on a stuck closer at the deadline and exits 1', async () => {
    const exit = jest.fn<(code: number) => void>();
    const lifecycle = createLifecycle({ logger, exit, handleProcessEvents: false, timeoutMs: 20 });
    lifecycle.register('stuck consumer', () => new Promise<void>(() => {}));
    await lifecycle.stop();
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('refuses new closers once stopping', async () => {
    const lifecycle = createLifecycle({ logger, exit: () => {}, handleProcessEvents: false });
    const stopped = lifecycle.stop();
    expect(() => lifecycle.register('late', () => {})).toThrow(/stopping/);
    await stopped;
  });

  it('stops on SIGTERM and on SIGINT, then removes its handlers', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const exit = jest.fn<(code: number) => void>();
      const before = process.listenerCount(signal);
      const lifecycle = createLifecycle({ logger, exit });
      const closed = deferred();
      lifecycle.register('consumer', () => closed.resolve());
      expect(process.listenerCount(signal)).toBe(before + 1);

      process.emit(signal, signal);
      await closed.promise;
      await lifecycle.stop();

      expect(exit).toHaveBeenCalledWith(0);
      expect(process.listenerCount(signal)).toBe(before);
    }
  });

  it('stops with exit 1 on an uncaught exception and on an unhandled rejection', async () => {
    const crashes: [string, unknown[]][] = [
      ['uncaughtException', [new Error('boom'), 'uncaughtException']],
      ['unhandledRejection', [new Error('rejected'), Promise.resolve()]],
    ];
    for (const [event, args] of crashes) {
      const exit = jest.fn<(code: number) => void>();
      const lifecycle = createLifecycle({ logger, exit });
      const closed = deferred();
      lifecycle.register('pool', () => closed.resolve());
      (process.emit as (event: string, ...args: unknown[]) => boolean)(event, ...args);
      await closed.promise;
      await lifecycle.stop();
      expect(exit).toHaveBeenCalledWith(1);
    }
  });
});
