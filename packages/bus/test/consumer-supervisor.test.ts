import { describe, expect, it } from '@jest/globals';
import { createLogger } from '@parcelwatch/logger';
import { SupervisedConsumer, type ConsumerSession, type SessionHooks } from '../src/consumer-supervisor.js';

const logger = createLogger({ name: 'supervisor-test', level: 'silent' });

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('SupervisedConsumer', () => {
  it('abandons a halted session whose stop never returns and opens a fresh one', async () => {
    const sessions: { hooks: SessionHooks; abandoned: boolean; stopCalls: number }[] = [];
    const consumer = new SupervisedConsumer({
      groupId: 'g',
      logger,
      restart: { minDelayMs: 1, maxDelayMs: 5 },
      haltStopTimeoutMs: 50,
      open: async (hooks) => {
        const record = { hooks, abandoned: false, stopCalls: 0 };
        sessions.push(record);
        const session: ConsumerSession = {
          // The first session is stuck (a request that never answers): its stop never settles.
          stop: () => {
            record.stopCalls += 1;
            return sessions.indexOf(record) === 0 ? new Promise<void>(() => undefined) : Promise.resolve();
          },
          abandon: () => {
            record.abandoned = true;
          },
        };
        return session;
      },
    });
    await consumer.start();
    sessions[0]!.hooks.halt(new Error('offset commit did not answer'));
    expect(consumer.state).toBe('halted');
    await until(() => sessions.length === 2 && consumer.state === 'running', 'a fresh session');
    expect(sessions[0]).toMatchObject({ abandoned: true, stopCalls: 1 });
    expect(sessions[1]!.abandoned).toBe(false);
    await consumer.stop();
    expect(consumer.state).toBe('stopped');
  });

  it('still waits for a halted session that stops in time, and does not abandon it', async () => {
    const abandoned: boolean[] = [];
    let opened = 0;
    const consumer = new SupervisedConsumer({
      groupId: 'g',
      logger,
      restart: { minDelayMs: 1, maxDelayMs: 5 },
      haltStopTimeoutMs: 1_000,
      open: async (hooks) => {
        const index = opened;
        opened += 1;
        abandoned.push(false);
        if (index === 0) setTimeout(() => hooks.halt(new Error('retries exhausted')), 1);
        return { stop: () => new Promise<void>((resolve) => setTimeout(resolve, 20)), abandon: () => (abandoned[index] = true) };
      },
    });
    await consumer.start();
    await until(() => opened === 2 && consumer.state === 'running', 'the restart');
    expect(abandoned).toEqual([false, false]);
    await consumer.stop();
  });
});
