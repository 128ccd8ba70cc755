import { appendFile, mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { verifyMerchantWebhook } from '../webhooks/webhook-signature.js';

/**
 * A merchant's webhook receiver on 127.0.0.1, for tests, the demo and local development. It
 * checks each request's signature and timestamp the way a merchant should, records the valid
 * ones (in memory, and as JSON lines in `recordDir` if given) and answers 200 with an id. It can
 * go down in two ways: `refuse` closes the listener (connection refused, like a dead host) and
 * `unavailable` answers 503 (like a failing app behind a proxy); `up()` brings it back on the
 * same port.
 */
export interface ReceivedWebhook {
  messageId: string;
  timestamp: number;
  /** The parsed JSON body. */
  payload: Record<string, unknown>;
  rawBody: string;
  /** The id the sink answered with (the delivery's provider message id). */
  receiptId: string;
}

export interface WebhookSinkOptions {
  secret: string;
  /** Unix seconds for the timestamp check; defaults to the system time. */
  nowSeconds?: () => number;
  toleranceSeconds?: number;
  port?: number;
  recordDir?: string;
}

export interface WebhookSink {
  readonly url: string;
  received(): ReceivedWebhook[];
  /** Requests refused for a bad signature or timestamp, with the reason. */
  rejected(): { reason: string; messageId: string | null }[];
  /** How many requests reached the handler while answering 503. */
  unavailableAnswers(): number;
  down(mode: 'refuse' | 'unavailable'): Promise<void>;
  up(): Promise<void>;
  /** The next `count` valid requests get `status` (e.g. 410) instead of 200, and are not recorded. */
  answerNext(count: number, status: number): void;
  /** Changes the secret the sink verifies with (after a rotation). */
  useSecret(secret: string): void;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export async function startWebhookSink(options: WebhookSinkOptions): Promise<WebhookSink> {
  let secret = options.secret;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const received: ReceivedWebhook[] = [];
  const rejected: { reason: string; messageId: string | null }[] = [];
  let mode: 'up' | 'refuse' | 'unavailable' = 'up';
  let unavailable = 0;
  let forced: { count: number; status: number } = { count: 0, status: 200 };
  const recordFile = options.recordDir === undefined ? null : path.join(options.recordDir, 'webhooks.jsonl');
  if (options.recordDir !== undefined) await mkdir(options.recordDir, { recursive: true });

  const server: Server = createServer((request, response) => {
    void (async () => {
      const rawBody = await readBody(request);
      if (mode === 'unavailable') {
        unavailable += 1;
        response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"unavailable"}');
        return;
      }
      const verdict = verifyMerchantWebhook(secret, request.headers, rawBody, { now: nowSeconds(), toleranceSeconds: options.toleranceSeconds ?? 300 });
      if (!verdict.ok) {
        const id = request.headers['webhook-id'];
        rejected.push({ reason: verdict.reason, messageId: typeof id === 'string' ? id : null });
        response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: verdict.reason }));
        return;
      }
      if (forced.count > 0) {
        forced = { ...forced, count: forced.count - 1 };
        response.writeHead(forced.status, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const receiptId = `rcpt-${received.length + 1}`;
      const entry: ReceivedWebhook = { messageId: verdict.messageId, timestamp: verdict.timestamp, payload: JSON.parse(rawBody) as Record<string, unknown>, rawBody, receiptId };
      received.push(entry);
      if (recordFile !== null) await appendFile(recordFile, `${JSON.stringify(entry)}\n`);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: receiptId }));
    })().catch((err: unknown) => {
      response.writeHead(500).end(String(err));
    });
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      // Kept-alive sockets would still reach the handler: drop them so the port really refuses.
      server.close(() => resolve());
      server.closeAllConnections();
    });

  const port = await listen(options.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received: () => [...received],
    rejected: () => [...rejected],
    unavailableAnswers: () => unavailable,
    async down(next) {
      if (next === 'refuse' && mode !== 'refuse') await stopListening();
      if (next === 'unavailable' && mode === 'refuse') await listen(port);
      mode = next;
    },
    async up() {
      if (mode === 'refuse') await listen(port);
      mode = 'up';
    },
    answerNext(count, status) {
      forced = { count, status };
    },
    useSecret(next) {
      secret = next;
    },
    async close() {
      if (mode !== 'refuse') await stopListening();
      mode = 'refuse';
    },
  };
}
