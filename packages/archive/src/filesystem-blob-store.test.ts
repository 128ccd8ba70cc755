import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobNotFoundError, BlobRetainedError, ChecksumMismatchError, InvalidBlobKeyError } from './blob-store.js';
import { createFilesystemBlobStore } from './filesystem-blob-store.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const KEY = 'proofs/m-1/s-42/delivery/2025-03-01T10-00-00Z.json';
const BODY = '{"shipment":"s-42","milestone":"delivered"}';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pw-blobs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('filesystem blob store', () => {
  it('puts, heads and gets a blob with its SHA-256', async () => {
    const store = createFilesystemBlobStore({ dir });
    const put = await store.put(KEY, BODY, { contentType: 'application/json', sha256: sha(BODY).toUpperCase() });
    expect(put).toEqual({ key: KEY, sha256: sha(BODY) });
    expect(await store.head(KEY)).toEqual({ size: Buffer.byteLength(BODY), sha256: sha(BODY), contentType: 'application/json' });
    expect((await store.get(KEY)).toString('utf8')).toBe(BODY);
    expect(await store.exists(KEY)).toBe(true);
    // Nothing left in staging once the renames are done.
    expect(await readdir(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('accepts Uint8Array bodies and hashes them when no checksum is given', async () => {
    const store = createFilesystemBlobStore({ dir });
    const bytes = new Uint8Array([0, 1, 2, 250]);
    const put = await store.put('raw/carrier.bin', bytes, { contentType: 'application/octet-stream' });
    expect(put.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect([...(await store.get('raw/carrier.bin'))]).toEqual([0, 1, 2, 250]);
  });

  it('refuses a body that does not match the given SHA-256 and stores nothing', async () => {
    const store = createFilesystemBlobStore({ dir });
    const attempt = store.put(KEY, BODY, { contentType: 'application/json', sha256: sha('something else') });
    await expect(attempt).rejects.toBeInstanceOf(ChecksumMismatchError);
    await expect(attempt).rejects.toMatchObject({ retriable: false, expected: sha('something else'), actual: sha(BODY) });
    expect(await store.exists(KEY)).toBe(false);
  });

  it('reports missing blobs as BlobNotFoundError, and exists() as false', async () => {
    const store = createFilesystemBlobStore({ dir });
    await expect(store.get('proofs/none.json')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.head('proofs/none.json')).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await store.exists('proofs/none.json')).toBe(false);
    await store.put('proofs/a', 'x', { contentType: 'text/plain' });
    // `proofs/a` is a blob, so `proofs/a/b` cannot exist.
    expect(await store.exists('proofs/a/b')).toBe(false);
  });

  it('detects a blob damaged at rest: get checks the hash, head the size', async () => {
    const store = createFilesystemBlobStore({ dir });
    await store.put(KEY, BODY, { contentType: 'application/json' });
    const dataFile = path.join(dir, 'objects', ...KEY.split('/'));
    await writeFile(dataFile, BODY.replace('delivered', 'lost_____'));
    await expect(store.get(KEY)).rejects.toMatchObject({ name: 'ChecksumMismatchError', retriable: false, expected: sha(BODY) });
    await writeFile(dataFile, 'short');
    await expect(store.head(KEY)).rejects.toBeInstanceOf(ChecksumMismatchError);
  });

  it('keeps the SHA-256, content type and retention in a sidecar .meta.json', async () => {
    const store = createFilesystemBlobStore({ dir, now: () => Date.parse('2025-03-01T00:00:00Z') });
    const retainUntil = new Date('2032-03-01T00:00:00Z');
    const put = await store.put(KEY, BODY, { contentType: 'application/json', retainUntil });
    expect(put.retainedUntil).toEqual(retainUntil);
    const sidecar = JSON.parse(await readFile(path.join(dir, 'meta', `${KEY}.meta.json`), 'utf8'));
    expect(sidecar).toEqual({
      sha256: sha(BODY),
      size: Buffer.byteLength(BODY),
      contentType: 'application/json',
      retainUntil: '2032-03-01T00:00:00.000Z',
      storedAt: '2025-03-01T00:00:00.000Z',
    });
    expect((await store.head(KEY)).retainUntil).toEqual(retainUntil);
  });

  it('refuses to overwrite a retained blob until its retention ends', async () => {
    let now = Date.parse('2025-03-01T00:00:00Z');
    const store = createFilesystemBlobStore({ dir, now: () => now });
    await store.put(KEY, BODY, { contentType: 'application/json', retainUntil: new Date('2025-04-01T00:00:00Z') });
    await expect(store.put(KEY, 'forged', { contentType: 'application/json' })).rejects.toBeInstanceOf(BlobRetainedError);
    expect((await store.get(KEY)).toString()).toBe(BODY);
    now = Date.parse('2025-04-02T00:00:00Z');
    await store.put(KEY, 'replaced', { contentType: 'text/plain' });
    expect((await store.get(KEY)).toString()).toBe('replaced');
  });

  it('overwrites an unretained blob', async () => {
    const store = createFilesystemBlobStore({ dir });
    await store.put('drafts/report.csv', 'a,b\n', { contentType: 'text/csv' });
    await store.put('drafts/report.csv', 'a,b\n1,2\n', { contentType: 'text/csv' });
    expect((await store.get('drafts/report.csv')).toString()).toBe('a,b\n1,2\n');
    expect((await store.head('drafts/report.csv')).sha256).toBe(sha('a,b\n1,2\n'));
  });

  it('rejects keys that could escape the store or are not S3-style paths', async () => {
    const store = createFilesystemBlobStore({ dir });
    for (const key of ['../etc/passwd', 'proofs/../../x', '/abs/path', 'a//b', 'a/./b', 'back\\slash', '', 'nul\u0000byte']) {
      await expect(store.put(key, 'x', { contentType: 'text/plain' })).rejects.toBeInstanceOf(InvalidBlobKeyError);
    }
  });

  it('presigns a file:// URL to the bytes when no public base URL is configured', async () => {
    const store = createFilesystemBlobStore({ dir });
    await store.put(KEY, BODY, { contentType: 'application/json' });
    const url = await store.presignGet(KEY, 300);
    expect(url.startsWith('file://')).toBe(true);
    expect(await readFile(fileURLToPath(url), 'utf8')).toBe(BODY);
    await expect(store.presignGet(KEY, 0)).rejects.toThrow(RangeError);
    await expect(store.presignGet(KEY, 604_801)).rejects.toThrow(RangeError);
  });

  it('presigns an expiring, HMAC-signed URL under the public base URL', async () => {
    let now = Date.parse('2025-03-01T00:00:00Z');
    const store = createFilesystemBlobStore({ dir, now: () => now, publicBaseUrl: 'http://127.0.0.1:3000/v1/blobs/', signingSecret: 'test-secret' });
    const url = new URL(await store.presignGet('proofs/m 1/s-42/pod.pdf', 600));
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:3000/v1/blobs/proofs/m%201/s-42/pod.pdf');
    const expires = Number(url.searchParams.get('expires'));
    const signature = url.searchParams.get('signature') ?? '';
    expect(expires).toBe(now / 1000 + 600);
    expect(store.verifyPresigned('proofs/m 1/s-42/pod.pdf', expires, signature)).toBe(true);
    expect(store.verifyPresigned('proofs/m 1/s-43/pod.pdf', expires, signature)).toBe(false);
    expect(store.verifyPresigned('proofs/m 1/s-42/pod.pdf', expires + 60, signature)).toBe(false);
    expect(store.verifyPresigned('proofs/m 1/s-42/pod.pdf', expires, 'abcd')).toBe(false);
    now += 601_000;
    expect(store.verifyPresigned('proofs/m 1/s-42/pod.pdf', expires, signature)).toBe(false);
  });

  it('asks a public base URL given as a function at each presign (a server on an ephemeral port)', async () => {
    let base = 'http://127.0.0.1:41000/v1/blobs';
    const store = createFilesystemBlobStore({ dir, publicBaseUrl: () => base, signingSecret: 'test-secret' });
    expect((await store.presignGet('proofs/a.json', 60)).startsWith('http://127.0.0.1:41000/v1/blobs/proofs/a.json?expires=')).toBe(true);
    base = 'http://127.0.0.1:41001/v1/blobs/';
    const url = new URL(await store.presignGet('proofs/a.json', 60, { downloadAs: 'a.json' }));
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:41001/v1/blobs/proofs/a.json');
    expect(store.verifyPresigned('proofs/a.json', Number(url.searchParams.get('expires')), url.searchParams.get('signature') ?? '')).toBe(true);
  });

  it('requires a signing secret with a public base URL', () => {
    expect(() => createFilesystemBlobStore({ dir, publicBaseUrl: 'http://127.0.0.1:3000/v1/blobs' })).toThrow(/signingSecret/);
  });
});
