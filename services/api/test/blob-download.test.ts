import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFilesystemBlobStore, sha256Hex, type FilesystemBlobStore } from '@parcelwatch/archive';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { createApiService, type ApiService } from '../src/app.js';
import { NOW } from './api-test-kit.js';

/** GET with the path sent exactly as written (fetch would normalise `..` away before sending). */
function rawGet(url: string, rawPath: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('signed proof downloads from the filesystem archive (GET /v1/blobs/*)', () => {
  let db: Kysely<Database>;
  let dir: string;
  let store: FilesystemBlobStore;
  let api: ApiService;
  let now = Date.parse(NOW);
  const key = 'proofs/m-1/s-1/shipment/20260301T000000Z-proof bundle.pdf';
  const bytes = Buffer.from('%PDF-1.7 proof of shipment\n');

  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    dir = await mkdtemp(path.join(tmpdir(), 'pw-blobs-'));
    store = createFilesystemBlobStore({ dir, now: () => now, publicBaseUrl: () => `${api.url()}/v1/blobs`, signingSecret: 'route-test-secret' });
    // Access on, as in production: the route is open because the URL is the credential.
    api = createApiService({ db, clock: fixedClock(NOW), logger: createLogger({ name: 'blob-test', level: 'silent' }), blobStore: store, signedBlobs: store, access: { enabled: true } });
    await api.start();
    await store.put(key, bytes, { contentType: 'application/pdf' });
    await store.put('proofs/m-1/s-1/other.json', '{}', { contentType: 'application/json' });
  });
  afterAll(async () => {
    await api?.stop();
    await db?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('downloads the bytes through a presigned link, without an API key, as an attachment', async () => {
    const url = await store.presignGet(key, 300);
    expect(url.startsWith(`${api.url()}/v1/blobs/proofs/m-1/s-1/shipment/20260301T000000Z-proof%20bundle.pdf?expires=`)).toBe(true);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="20260301T000000Z-proof_bundle.pdf"; filename*=UTF-8''20260301T000000Z-proof%20bundle.pdf`);
    expect(response.headers.get('x-checksum-sha256')).toBe(sha256Hex(bytes));
    expect(response.headers.get('content-security-policy')).toBe('sandbox');
  });

  it('refuses an expired link with 403', async () => {
    const url = await store.presignGet(key, 60);
    expect((await fetch(url)).status).toBe(200);
    now += 61_000;
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toEqual({ error: 'forbidden', message: 'this download link is invalid or has expired; reload the shipment for a fresh one' });
  });

  it('refuses a tampered link with 403: another signature, a longer expiry, another key, or none', async () => {
    const url = new URL(await store.presignGet(key, 300));
    const signature = url.searchParams.get('signature') as string;
    const flipped = new URL(url);
    flipped.searchParams.set('signature', `${signature[0] === 'a' ? 'b' : 'a'}${signature.slice(1)}`);
    const later = new URL(url);
    later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    const otherKey = new URL(url);
    otherKey.pathname = '/v1/blobs/proofs/m-1/s-1/other.json';
    const unsigned = new URL(url);
    unsigned.search = '';
    for (const tampered of [flipped, later, otherKey, unsigned]) expect([tampered.href, (await fetch(tampered)).status]).toEqual([tampered.href, 403]);
  });

  it('refuses path traversal (plain or encoded) before looking at the signature, and 404s a signed key with no blob', async () => {
    const signature = '0'.repeat(64);
    for (const raw of [`/v1/blobs/proofs/../../../etc/passwd?expires=9999999999&signature=${signature}`, `/v1/blobs/proofs/%2e%2e/%2e%2e/package.json?expires=9999999999&signature=${signature}`, `/v1/blobs/proofs//x?expires=9999999999&signature=${signature}`]) {
      const response = await rawGet(api.url(), raw);
      expect([raw, response.status]).toEqual([raw, 400]);
      expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_key' });
    }
    const missing = await fetch(await store.presignGet('proofs/m-1/s-1/gone.pdf', 300));
    expect(missing.status).toBe(404);
  });

  it('does not serve a blob whose bytes changed at rest', async () => {
    const damagedKey = 'proofs/m-1/s-1/damaged.txt';
    await store.put(damagedKey, 'original bytes', { contentType: 'text/plain' });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'objects', ...damagedKey.split('/')), 'ORIGINAL BYTES');
    const response = await fetch(await store.presignGet(damagedKey, 300));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: 'blob_damaged' });
  });
});
