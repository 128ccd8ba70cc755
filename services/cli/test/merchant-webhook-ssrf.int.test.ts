// Merchant webhooks as `parcelwatch start` composes them (openStack: the api in front, the
// notifier's routes mounted on it, every service from its own config), on the harness's
// PostgreSQL and the in-process bus (the registry's consumer groups on the harness's Kafka belong
// to the start-demo test). Real HTTP receivers on loopback: one allowed, one allowed that
// redirects, and two that nothing may reach. Every refused form is tried through the api; the
// receivers count what reached them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@parcelwatch/logger';
import { DateTime } from 'luxon';
import { verifyMerchantWebhook } from '@parcelwatch/notifier';
import { refusedRange } from '@parcelwatch/outbound';
import { systemClock } from '@parcelwatch/service-kit';
import { createTestDatabase } from '@parcelwatch/test-harness';
import { openStack, type Stack } from '../src/service-stack.js';

const TOPICS_FILE = fileURLToPath(new URL('../../../infra/kafka/topics.yaml', import.meta.url));
const BOOTSTRAP = 'ssrf-test-bootstrap-admin-key-0123456789abcdef';
// What the allowed receiver answers: it must never come back through the api.
const RECEIVER_ID = 'rcpt-internal-7f3a9c';
// A parcel the carrier sandbox knows as delivered: its milestones reach the notifier, which sends webhooks.
const TRACKING_NUMBER = 'YT2603000000017';

interface Receiver {
  port: number;
  requests: { url: string; headers: IncomingHttpHeaders; body: string }[];
  server: Server;
}

async function receiver(answer: (res: ServerResponse) => void): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', headers: req.headers, body });
      answer(res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, requests, server };
}

interface Delivery {
  status: string;
  attempts: number;
  lastStatusClass: string | null;
  lastError: string | null;
}

describe('merchant webhooks reach only allowed receivers', () => {
  let database: { url: string; drop(): Promise<void> };
  let stack: Stack;
  let dir: string;
  let allowed: Receiver;
  let redirecting: Receiver;
  let internal: Receiver;
  let other: Receiver;
  const call = async (method: string, route: string, key: string, body?: unknown) => {
    const response = await fetch(`${stack.api.url()}${route}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as Record<string, unknown> };
  };

  beforeAll(async () => {
    allowed = await receiver((res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: RECEIVER_ID })));
    internal = await receiver((res) => res.writeHead(200).end(JSON.stringify({ id: 'internal-service-answer' })));
    other = await receiver((res) => res.writeHead(200).end('{}'));
    redirecting = await receiver((res) => res.writeHead(307, { location: `http://127.0.0.1:${internal.port}/v1/api-keys` }).end());
    database = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), 'pw-ssrf-'));
    stack = await openStack({
      env: {
        PORT: '0',
        LOG_LEVEL: 'silent',
        DATABASE_URL: database.url,
        PARCELWATCH_BOOTSTRAP_ADMIN_KEY: BOOTSTRAP,
        NOTIFIER_DISPATCH_INTERVAL_MS: '200',
        RATE_LIMIT_READS_PER_MINUTE: '100000',
        RATE_LIMIT_WRITES_PER_MINUTE: '100000',
        // Exactly two receivers: the loopback neighbours on other ports stay refused.
        PARCELWATCH_OUTBOUND_ALLOW: `127.0.0.1:${allowed.port}, 127.0.0.1:${redirecting.port}`,
      },
      logger: createLogger({ name: 'ssrf-test', level: 'silent' }),
      clock: systemClock,
      topicsFile: TOPICS_FILE,
      outboxDir: path.join(dir, 'outbox'),
      secretKeyFile: path.join(dir, 'secret-key'),
      // The carriers' internet APIs are the sandbox's (the poller tracks the shipment there).
      sandbox: { seed: 17 },
    });
    for (const service of stack.services) await service.start();
    stack.relay.start();
  });

  afterAll(async () => {
    for (const service of [...(stack?.services ?? [])].reverse()) await service.stop();
    await stack?.relay.stop();
    await stack?.close();
    for (const r of [allowed, redirecting, internal, other]) r?.server.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses every internal form at registration, sends only to the allowed receiver, and tells nothing of the answers', async () => {
    const onboarded = await call('POST', '/v1/merchants', BOOTSTRAP, {
      name: 'Loopback Probe Ltd',
      supportEmail: 'support@probe.example',
      defaultLocale: 'en-GB',
      timeZone: 'Europe/London',
      sender: { name: 'Probe', email: 'orders@probe.example' },
    });
    expect(onboarded.status).toBe(201);
    const merchantId = (onboarded.body['merchant'] as { id: string }).id;
    const adminKey = (onboarded.body['adminKey'] as { key: string }).key;
    const register = (url: string) => call('POST', '/v1/webhook-endpoints', adminKey, { merchantId, url });

    const port = internal.port;
    const refusedForms = [
      `http://127.0.0.1:${port}/`,
      `http://2130706433:${port}/`,
      `http://0x7f000001:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://127.1:${port}/`,
      `http://127.0.0.1.:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::1]:${port}/`,
      `http://localhost:${port}/`,
      `http://localhost.:${port}/`,
      `http://0.0.0.0:${port}/`,
      `http://169.254.169.254/latest/meta-data/`,
      `http://10.0.0.1:${port}/`,
      `http://100.64.0.1/`,
      `http://[fd00::1]:${port}/`,
      `http://[fe80::1]:${port}/`,
      `http://[64:ff9b::7f00:1]:${port}/`,
      `http://127.0.0.1:${other.port}/`,
      `http://user:pw@example.com/`,
      `ftp://example.com/`,
    ];
    for (const url of refusedForms) {
      const answer = await register(url);
      expect([url, answer.status]).toEqual([url, answer.status === 400 ? 400 : 422]);
      expect(answer.status === 400 || answer.body['error'] === 'url_not_allowed').toBe(true);
    }
    // The same refusal on a change of URL.
    const good = await register(`http://127.0.0.1:${allowed.port}/hooks`);
    expect(good.status).toBe(201);
    expect((await call('PATCH', `/v1/webhook-endpoints/${String(good.body['id'])}`, adminKey, { url: `http://0x7f000001:${port}/` })).status).toBe(422);

    // A name passes registration; what it resolves to is checked when sending. This machine's
    // own name resolves to loopback here (the test says so first, rather than pass vacuously).
    const ownName = hostname();
    const resolved = await lookup(ownName, { all: true });
    expect(resolved.every((entry) => refusedRange(entry.address) !== null)).toBe(true);
    const byName = await register(`http://${ownName}:${port}/`);
    expect(byName.status).toBe(201);
    const redirect = await register(`http://127.0.0.1:${redirecting.port}/hooks`);
    expect(redirect.status).toBe(201);

    stack.parts.sandbox!.journeys.create([{ trackingNumber: TRACKING_NUMBER, outcome: 'delivered', lane: 'CN-US', shippedAt: DateTime.utc().minus({ days: 20 }) }]);
    const shipment = await call('POST', '/v1/shipments', adminKey, { merchantId, orderId: 'ssrf-1', trackingNumber: TRACKING_NUMBER, carrier: 'yunexpress', destinationCountry: 'US' });
    expect([shipment.status, shipment.text]).toEqual([201, shipment.text]);

    const deliveriesOf = async (id: unknown) => {
      const answer = await call('GET', `/v1/webhook-endpoints/${String(id)}/deliveries`, adminKey);
      expect(answer.status).toBe(200);
      return answer.body['items'] as Delivery[];
    };
    // Wait (no deadline of our own: the file's timeout is the limit) until each endpoint's first delivery was tried.
    for (;;) {
      const tried = await Promise.all([good, byName, redirect].map(async (e) => (await deliveriesOf(e.body['id'])).some((d) => d.attempts > 0)));
      if (tried.every(Boolean)) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    // The allowed receiver got the delivery, signed with the secret shown once at creation.
    expect(allowed.requests.length).toBeGreaterThanOrEqual(1);
    const first = allowed.requests[0]!;
    const verified = verifyMerchantWebhook(String(good.body['secret']), first.headers as Record<string, string>, first.body, { now: Math.floor(Date.now() / 1000) });
    expect(verified.ok).toBe(true);
    expect(JSON.parse(first.body)).toMatchObject({ merchantId, shipmentId: (shipment.body['shipment'] as { id: string }).id });

    const [delivered, refused, redirected] = await Promise.all([good, byName, redirect].map((e) => deliveriesOf(e.body['id'])));
    expect(delivered!.find((d) => d.attempts > 0)).toMatchObject({ status: 'delivered', lastStatusClass: '2xx', lastError: null });
    expect(refused!.find((d) => d.attempts > 0)).toMatchObject({ status: 'pending', lastStatusClass: null, lastError: 'refused: address not allowed' });
    expect(redirected!.find((d) => d.attempts > 0)).toMatchObject({ status: 'pending', lastStatusClass: '3xx', lastError: '3xx: redirects are not followed' });
    // Nothing of any answer comes back: not the receiver's id, not the redirect's target.
    const everything = (await Promise.all([good, byName, redirect].map(async (e) => (await call('GET', `/v1/webhook-endpoints/${String(e.body['id'])}/deliveries`, adminKey)).text))).join('\n');
    expect(everything).not.toContain(RECEIVER_ID);
    expect(everything).not.toContain('/v1/api-keys');

    // The redirect was answered and not followed; no refused receiver heard anything.
    expect(redirecting.requests.length).toBeGreaterThanOrEqual(1);
    expect(internal.requests).toEqual([]);
    expect(other.requests).toEqual([]);
  }, 600_000);
});
