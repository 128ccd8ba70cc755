import { describe, expect, it, jest } from '@jest/globals';
import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { BlobNotFoundError, ChecksumMismatchError } from './blob-store.js';
import { createS3BlobStore, createS3Client } from './s3-blob-store.js';
import { S3BlobStoreError } from './s3-errors.js';

/*
 * The S3 adapter against a scripted client: what it sends and how it reads S3's answers.
 * test/s3-blob-store.int.test.ts runs the same adapter against a real S3-compatible server.
 */

type Command = { constructor: { name: string }; input: Record<string, unknown> };
type Answer = (command: Command) => unknown;

function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

function scriptedClient(answers: Record<string, Answer>) {
  const sent: Command[] = [];
  const send = jest.fn(async (command: Command) => {
    sent.push(command);
    const answer = answers[command.constructor.name];
    if (!answer) throw new Error(`unexpected ${command.constructor.name}`);
    return answer(command);
  });
  const client = { send, config: { region: async () => 'eu-central-1' } } as unknown as S3Client;
  return { client, sent, named: (name: string) => sent.filter((command) => command.constructor.name === name) };
}

const BODY = 'proof of delivery';
const SHA = createHash('sha256').update(BODY).digest('hex');
const SHA_B64 = createHash('sha256').update(BODY).digest('base64');

describe('S3 blob store (scripted client)', () => {
  it('sends the SHA-256 as a base64 S3 checksum so the server verifies the body', async () => {
    const { client, named } = scriptedClient({ PutObjectCommand: () => ({ VersionId: 'v1' }) });
    const store = createS3BlobStore({ client, bucket: 'proofs' });
    expect(await store.put('p/1.txt', BODY, { contentType: 'text/plain' })).toEqual({ key: 'p/1.txt', sha256: SHA, versionId: 'v1' });
    expect(named('PutObjectCommand')[0]?.input).toMatchObject({
      Bucket: 'proofs',
      Key: 'p/1.txt',
      ContentType: 'text/plain',
      ContentLength: BODY.length,
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: SHA_B64,
      Metadata: { sha256: SHA },
    });
    expect(named('PutObjectCommand')[0]?.input.ObjectLockMode).toBeUndefined();
  });

  it('refuses a wrong expected checksum before sending anything', async () => {
    const { client, sent } = scriptedClient({});
    const store = createS3BlobStore({ client, bucket: 'proofs' });
    await expect(store.put('p/1.txt', BODY, { contentType: 'text/plain', sha256: '0'.repeat(64) })).rejects.toBeInstanceOf(ChecksumMismatchError);
    expect(sent).toEqual([]);
  });

  it('maps a server-side checksum refusal to a retriable ChecksumMismatchError', async () => {
    const refusals = [
      s3Error('BadDigest', 400),
      s3Error('XAmzContentChecksumMismatch', 400),
      Object.assign(s3Error('BadRequest', 400), { message: 'Value for x-amz-checksum-sha256 header is invalid.' }),
    ];
    const { client } = scriptedClient({ PutObjectCommand: () => Promise.reject(refusals.shift()) });
    const store = createS3BlobStore({ client, bucket: 'proofs' });
    for (let i = 0; i < 3; i += 1) {
      await expect(store.put('p/1.txt', BODY, { contentType: 'text/plain' })).rejects.toMatchObject({ name: 'ChecksumMismatchError', retriable: true });
    }
  });

  it('keeps other client errors as non-retriable S3BlobStoreError', async () => {
    const { client } = scriptedClient({ PutObjectCommand: () => Promise.reject(s3Error('BadRequest', 400)) });
    const store = createS3BlobStore({ client, bucket: 'proofs' });
    await expect(store.put('p/1.txt', BODY, { contentType: 'text/plain' })).rejects.toMatchObject({ name: 'S3BlobStoreError', retriable: false });
  });

  it('applies Object Lock retention when the bucket has it, asking the bucket only once', async () => {
    const { client, named } = scriptedClient({
      GetObjectLockConfigurationCommand: () => ({ ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } }),
      PutObjectCommand: () => ({ VersionId: 'v2' }),
    });
    const store = createS3BlobStore({ client, bucket: 'proofs', objectLockMode: 'COMPLIANCE' });
    const retainUntil = new Date('2032-01-01T00:00:00Z');
    const first = await store.put('p/1.txt', BODY, { contentType: 'text/plain', retainUntil });
    await store.put('p/2.txt', BODY, { contentType: 'text/plain', retainUntil });
    expect(first.retainedUntil).toEqual(retainUntil);
    expect(named('GetObjectLockConfigurationCommand')).toHaveLength(1);
    expect(named('PutObjectCommand')[0]?.input).toMatchObject({ ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: retainUntil });
  });

  it('stores without retention, and says so, when the bucket has no Object Lock', async () => {
    const warn = jest.fn();
    const { client, named } = scriptedClient({
      GetObjectLockConfigurationCommand: () => Promise.reject(s3Error('ObjectLockConfigurationNotFoundError', 404)),
      PutObjectCommand: () => ({}),
    });
    const store = createS3BlobStore({ client, bucket: 'proofs', logger: { warn } });
    const result = await store.put('p/1.txt', BODY, { contentType: 'text/plain', retainUntil: new Date('2032-01-01T00:00:00Z') });
    expect(result.retainedUntil).toBeUndefined();
    expect(named('PutObjectCommand')[0]?.input.ObjectLockMode).toBeUndefined();
    expect(warn).toHaveBeenCalled();
    expect(await store.supportsObjectLock()).toBe(false);
    expect(named('GetObjectLockConfigurationCommand')).toHaveLength(1);
  });

  it('does not cache a transient failure of the Object Lock probe', async () => {
    let calls = 0;
    const { client } = scriptedClient({
      GetObjectLockConfigurationCommand: () => {
        calls += 1;
        return calls === 1 ? Promise.reject(s3Error('InternalError', 500)) : { ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } };
      },
    });
    const store = createS3BlobStore({ client, bucket: 'proofs' });
    await expect(store.supportsObjectLock()).rejects.toMatchObject({ name: 'S3BlobStoreError', retriable: true });
    expect(await store.supportsObjectLock()).toBe(true);
  });

  it('reads the full-object checksum on head, falls back to our metadata copy, and ignores composite checksums', async () => {
    const heads = [
      { ContentLength: 17, ContentType: 'text/plain', ChecksumSHA256: SHA_B64, ObjectLockRetainUntilDate: new Date('2032-01-01T00:00:00Z') },
      { ContentLength: 17, ContentType: 'text/plain', Metadata: { sha256: SHA } },
      { ContentLength: 17, ContentType: 'text/plain', ChecksumSHA256: `${SHA_B64}-3` },
    ];
    const { client } = scriptedClient({ HeadObjectCommand: () => heads.shift() });
    const store = createS3BlobStore({ client, bucket: 'proofs' });
    expect(await store.head('p/1.txt')).toEqual({ size: 17, sha256: SHA, contentType: 'text/plain', retainUntil: new Date('2032-01-01T00:00:00Z') });
    expect((await store.head('p/1.txt')).sha256).toBe(SHA);
    expect((await store.head('p/1.txt')).sha256).toBeNull();
  });

  it('maps missing objects to BlobNotFoundError and exists() to false; other failures to S3BlobStoreError', async () => {
    const { client } = scriptedClient({
      HeadObjectCommand: () => Promise.reject(s3Error('NotFound', 404)),
      GetObjectCommand: () => Promise.reject(s3Error('AccessDenied', 403)),
    });
    const store = createS3BlobStore({ client, bucket: 'proofs' });
    await expect(store.head('p/none')).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await store.exists('p/none')).toBe(false);
    const denied = store.get('p/1.txt');
    await expect(denied).rejects.toBeInstanceOf(S3BlobStoreError);
    await expect(denied).rejects.toMatchObject({ retriable: false });
  });

  it('checks the body it reads against the stored checksum', async () => {
    const { client } = scriptedClient({
      GetObjectCommand: () => ({ Body: { transformToByteArray: async () => new TextEncoder().encode('tampered') }, ChecksumSHA256: SHA_B64 }),
    });
    const store = createS3BlobStore({ client, bucket: 'proofs' });
    await expect(store.get('p/1.txt')).rejects.toMatchObject({ name: 'ChecksumMismatchError', expected: SHA, retriable: true });
  });

  it('creates a missing bucket with Object Lock and the client region', async () => {
    const { client, named } = scriptedClient({
      HeadBucketCommand: () => Promise.reject(s3Error('NotFound', 404)),
      CreateBucketCommand: () => ({}),
    });
    const store = createS3BlobStore({ client, bucket: 'proofs' });
    await store.ensureBucket({ objectLock: true });
    expect(named('CreateBucketCommand')[0]?.input).toEqual({
      Bucket: 'proofs',
      ObjectLockEnabledForBucket: true,
      CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' },
    });
  });

  it('presigns a link that saves as a named attachment when asked (response-content-disposition is signed)', async () => {
    const client = createS3Client({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
    const store = createS3BlobStore({ client, bucket: 'proofs' });
    const plain = new URL(await store.presignGet('proofs/m/s/manifest.json', 300));
    expect(plain.searchParams.has('response-content-disposition')).toBe(false);
    const named = new URL(await store.presignGet('proofs/m/s/manifest.json', 300, { downloadAs: 'manifest é.json' }));
    expect(named.searchParams.get('response-content-disposition')).toBe(`attachment; filename="manifest__.json"; filename*=UTF-8''manifest%20%C3%A9.json`);
    expect(named.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
  });
});
