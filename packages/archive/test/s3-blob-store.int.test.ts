import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash, randomUUID } from 'node:crypto';
import { s3Settings } from '@parcelwatch/test-harness';
import { BlobNotFoundError, ChecksumMismatchError } from '../src/blob-store.js';
import { createS3BlobStore, createS3Client, type S3BlobStore } from '../src/s3-blob-store.js';

/* The S3 adapter against the harness's S3-compatible server on loopback. */

const settings = s3Settings();
const prefix = `it/s3-blob-store/${randomUUID()}`;
const sha256 = (body: string) => createHash('sha256').update(body).digest();

let client: S3Client;
let store: S3BlobStore;

beforeAll(async () => {
  client = createS3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
  });
  store = createS3BlobStore({ client, bucket: settings.bucket });
  await store.ensureBucket();
});

afterAll(() => {
  client.destroy();
});

describe('S3 blob store', () => {
  it('puts, heads and gets a blob, and the server keeps its SHA-256 checksum', async () => {
    const key = `${prefix}/proofs/m-1/s-1/shipment/manifest.json`;
    const body = JSON.stringify({ shipment: 's-1', parts: ['timeline.json'] });
    const put = await store.put(key, body, { contentType: 'application/json', sha256: sha256(body).toString('hex') });
    expect(put.sha256).toBe(sha256(body).toString('hex'));

    // Straight from the server, not through the adapter: it stored the checksum we sent.
    const raw = await client.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: key, ChecksumMode: 'ENABLED' }));
    expect(raw.ChecksumSHA256).toBe(sha256(body).toString('base64'));

    expect(await store.head(key)).toMatchObject({ size: Buffer.byteLength(body), sha256: sha256(body).toString('hex'), contentType: 'application/json' });
    expect((await store.get(key)).toString('utf8')).toBe(body);
    expect(await store.exists(key)).toBe(true);
  });

  it('reports a missing blob as not found', async () => {
    await expect(store.get(`${prefix}/missing.json`)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.head(`${prefix}/missing.json`)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await store.exists(`${prefix}/missing.json`)).toBe(false);
  });

  it('refuses a body whose SHA-256 does not match: the adapter before sending, the server on receipt', async () => {
    const key = `${prefix}/proofs/m-1/s-2/delivery/pod.json`;
    const body = '{"delivered":true}';
    await expect(store.put(key, body, { contentType: 'application/json', sha256: sha256('other').toString('hex') })).rejects.toBeInstanceOf(
      ChecksumMismatchError,
    );
    expect(await store.exists(key)).toBe(false);

    // A client that skips the local check: the server recomputes the SHA-256 and refuses the
    // put with a 400 (AWS: BadDigest; MinIO: XAmzContentChecksumMismatch; S3Mock: BadRequest).
    const refused = client.send(
      new PutObjectCommand({
        Bucket: settings.bucket,
        Key: key,
        Body: Buffer.from(body),
        ContentType: 'application/json',
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: sha256('other').toString('base64'),
      }),
    );
    await expect(refused).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    expect(await store.exists(key)).toBe(false);
  });

  it('hands out a presigned GET URL that downloads the blob over plain HTTP', async () => {
    const key = `${prefix}/proofs/m-1/s-3/appeal/bundle.html`;
    const body = '<h1>Appeal bundle for s-3</h1>';
    await store.put(key, body, { contentType: 'text/html' });
    const url = new URL(await store.presignGet(key, 300));
    expect(url.origin).toBe(new URL(settings.endpoint).origin);
    // A SigV4 query signature valid for the asked TTL. (S3Mock does not check signatures, so
    // refusal of a forged or expired URL is the real S3's and MinIO's job, not tested here.)
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);

    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toBe(body);
  });
});
