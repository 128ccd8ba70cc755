import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { createTestDatabase } from '@parcelwatch/test-harness';
import { createDb, DatabaseUnreachableError } from '../src/index.js';

/*
 * A service started before its database (compose, a node reboot) waits for it instead of dying
 * with a stack trace within two seconds; one that cannot reach it in time says where and why in
 * one line. The database here is real PostgreSQL behind a loopback port that opens late.
 */

/** A loopback port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Forwards `port` to the real server once started. */
function proxy(port: number, target: URL): { start(): Promise<void>; stop(): Promise<void> } {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  return {
    start: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    stop: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('createDb waiting for PostgreSQL at start', () => {
  let real: URL;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const copy = await createTestDatabase();
    real = new URL(copy.url);
    drop = copy.drop;
  });
  afterAll(async () => drop());

  const urlOn = (port: number) => {
    const url = new URL(real.toString());
    url.host = `127.0.0.1:${port}`;
    url.password = 'not-to-be-printed';
    if (url.username === '') url.username = 'postgres';
    return url.toString();
  };

  it('retries while the server is not there, and connects once it is', async () => {
    const port = await freePort();
    const late = proxy(port, real);
    const writes: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (writes.push(String(chunk)), true)) as typeof process.stderr.write;
    const opened = setTimeout(() => void late.start(), 1_500);
    try {
      const db = await createDb({ kind: 'postgres', url: urlOn(port), waitSeconds: 60 });
      const answer = await db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
      expect(answer.map((row) => String(row.one))).toEqual(['1']);
      await db.destroy();
    } finally {
      clearTimeout(opened);
      process.stderr.write = write;
      await late.stop();
    }
    expect(writes.length).toBeGreaterThan(0);
    expect(writes[0]).toContain(`PostgreSQL at 127.0.0.1:${port}`);
    expect(writes.join('')).not.toContain('not-to-be-printed');
  });

  it('gives up after the wait with one line saying where and why, no password and no stack', async () => {
    const port = await freePort();
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    let error: unknown;
    try {
      await createDb({ kind: 'postgres', url: urlOn(port), waitSeconds: 2 });
    } catch (err) {
      error = err;
    } finally {
      process.stderr.write = write;
    }
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`^PostgreSQL at 127\\.0\\.0\\.1:${port}/\\S+ is not reachable after 2 s and \\d+ attempts \\(ECONNREFUSED`));
    expect(message).not.toContain('not-to-be-printed');
    expect((error as Error).stack).toBe(`DatabaseUnreachableError: ${message}`);
  });
});
