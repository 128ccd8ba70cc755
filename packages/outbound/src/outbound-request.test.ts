import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parseOutboundAllow } from './outbound-allow.js';
import { createOutboundClient, type OutboundRequest } from './outbound-request.js';

interface Receiver {
  port: number;
  seen: { host: string | undefined; body: string }[];
}

const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

async function receiver(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<Receiver> {
  const seen: Receiver['seen'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ host: req.headers.host, body });
      answer(req, res);
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, seen };
}

const post: OutboundRequest = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"d1"}', connectTimeoutMs: 5_000, timeoutMs: 5_000 };
const ok = (_req: IncomingMessage, res: ServerResponse) => res.end('{"id":"internal-secret"}');

describe('outbound client', () => {
  it('sends to an allowed receiver and reports its status only', async () => {
    const r = await receiver(ok);
    const client = createOutboundClient({ allow: parseOutboundAllow(`127.0.0.1:${r.port}`).entries });
    expect(await client.send(`http://127.0.0.1:${r.port}/in`, post)).toEqual({ outcome: 'answered', status: 200 });
    expect(r.seen).toEqual([{ host: `127.0.0.1:${r.port}`, body: '{"id":"d1"}' }]);
  });

  it('refuses a loopback receiver the allow-list does not name, without contacting it', async () => {
    const allowed = await receiver(ok);
    const other = await receiver(ok);
    const client = createOutboundClient({ allow: parseOutboundAllow(`127.0.0.1:${allowed.port}`).entries });
    for (const url of [`http://127.0.0.1:${other.port}/`, `http://2130706433:${other.port}/`, `http://[::ffff:127.0.0.1]:${other.port}/`, `http://localhost:${other.port}/`]) {
      expect(await client.send(url, post)).toMatchObject({ outcome: 'refused' });
    }
    expect(other.seen).toHaveLength(0);
  });

  it('connects to the address it checked, keeping the name as Host (no second lookup)', async () => {
    const r = await receiver(ok);
    let lookups = 0;
    const client = createOutboundClient({
      allow: parseOutboundAllow(`127.0.0.1:${r.port}`).entries,
      resolve: async () => {
        lookups += 1;
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    // The name exists nowhere but in this resolver: the request can only arrive through the checked address.
    expect(await client.send(`http://receiver.invalid:${r.port}/in`, post)).toEqual({ outcome: 'answered', status: 200 });
    expect(lookups).toBe(1);
    expect(r.seen.map((s) => s.host)).toEqual([`receiver.invalid:${r.port}`]);
  });

  it('refuses a name when any of its addresses is refused', async () => {
    const r = await receiver(ok);
    const client = createOutboundClient({
      allow: parseOutboundAllow('').entries,
      resolve: async () => [
        { address: '93.184.215.14', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
    });
    expect(await client.send(`http://mixed.invalid:${r.port}/`, post)).toEqual({ outcome: 'refused', detail: 'address not allowed (loopback)' });
    expect(r.seen).toHaveLength(0);
  });

  it('does not follow a redirect', async () => {
    const target = await receiver(ok);
    const redirecting = await receiver((_req, res) => {
      res.writeHead(307, { location: `http://127.0.0.1:${target.port}/` });
      res.end();
    });
    const client = createOutboundClient({ allow: parseOutboundAllow(`127.0.0.1:${redirecting.port},127.0.0.1:${target.port}`).entries });
    expect(await client.send(`http://127.0.0.1:${redirecting.port}/`, post)).toEqual({ outcome: 'answered', status: 307 });
    expect(target.seen).toHaveLength(0);
  });

  it('stops reading an endless answer after its limit', async () => {
    const endless = await receiver((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(1024, 'x');
      const pump = () => {
        while (res.write(chunk));
      };
      res.on('drain', pump);
      pump();
    });
    const client = createOutboundClient({ allow: parseOutboundAllow(`127.0.0.1:${endless.port}`).entries });
    expect(await client.send(`http://127.0.0.1:${endless.port}/`, { ...post, maxBodyBytes: 2048 })).toEqual({ outcome: 'answered', status: 200 });
  });

  it('gives up on a receiver that never answers', async () => {
    const silent = await receiver(() => undefined);
    const client = createOutboundClient({ allow: parseOutboundAllow(`127.0.0.1:${silent.port}`).entries });
    expect(await client.send(`http://127.0.0.1:${silent.port}/`, { ...post, timeoutMs: 200 })).toEqual({ outcome: 'timeout' });
  });
});
