import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { logLevel } from 'kafkajs';
import { createLogger } from '@parcelwatch/logger';
import { kafkaLogLevel, pinoLogCreator } from '../src/index.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'kafka', level, destination }) };
}

describe('kafkajs logs in pino', () => {
  it('routes each kafkajs entry to the matching pino level with its namespace and fields', () => {
    const { lines, logger } = capture('debug');
    const log = pinoLogCreator(logger)(logLevel.DEBUG);
    const timestamp = '2025-03-01T00:00:00.000Z';
    log({ namespace: 'Consumer', level: logLevel.ERROR, label: 'ERROR', log: { message: 'Crash: boom', timestamp, logger: 'kafkajs', groupId: 'g1' } as never });
    log({ namespace: 'Runner', level: logLevel.WARN, label: 'WARN', log: { message: 'rebalancing', timestamp, logger: 'kafkajs' } as never });
    log({ namespace: 'Connection', level: logLevel.INFO, label: 'INFO', log: { message: 'connected', timestamp, logger: 'kafkajs' } as never });
    log({ namespace: 'Fetcher', level: logLevel.DEBUG, label: 'DEBUG', log: { message: 'fetching', timestamp, logger: 'kafkajs' } as never });
    expect(lines.map((line) => [line.level, line.msg, line.kafkajs])).toEqual([
      [50, 'Crash: boom', 'Consumer'],
      [40, 'rebalancing', 'Runner'],
      [30, 'connected', 'Connection'],
      [20, 'fetching', 'Fetcher'],
    ]);
    expect(lines[0]?.groupId).toBe('g1');
    expect(lines[0]).not.toHaveProperty('logger');
  });

  it('asks kafkajs for no more detail than pino will print', () => {
    expect(kafkaLogLevel(capture('debug').logger)).toBe(logLevel.DEBUG);
    expect(kafkaLogLevel(capture('info').logger)).toBe(logLevel.INFO);
    expect(kafkaLogLevel(capture('error').logger)).toBe(logLevel.ERROR);
  });
});
