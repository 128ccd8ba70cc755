import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { createTestDatabase, kafkaBrokers, s3Settings, uniqueTopic } from '@parcelwatch/test-harness';

/* The harness itself: each service it provides is real and behaves as the suites rely on. */

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('Kafka', () => {
  it('creates a topic, produces idempotently and consumes in a group with committed offsets', async () => {
    const kafka = new Kafka({ clientId: 'harness-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
    const topic = uniqueTopic('harness');
    expect(topic).toMatch(/^harness-harness-\d+-[0-9a-f]{6}$/);
    expect(uniqueTopic('harness')).not.toBe(topic);

    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    // No waitForLeaders: kafkajs gives up on UNKNOWN_TOPIC_OR_PARTITION while a loaded broker propagates
    // the new topic; the idempotent producer below retries until the partitions have leaders.
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: false })).toBe(true);

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const sent = Array.from({ length: 6 }, (_, i) => ({ key: `shipment-${i % 3}`, value: `event-${i}` }));
    await producer.send({ topic, acks: -1, messages: sent });

    const groupId = `${topic}-group`;
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    cleanups.push(() => consumer.disconnect());
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: Array<{ key: string; value: string; partition: number }> = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
            for (const m of batch.messages) {
              received.push({ key: m.key!.toString(), value: m.value!.toString(), partition: batch.partition });
              resolveOffset(m.offset);
            }
            await consumer.commitOffsets([{ topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }]);
            await heartbeat();
            if (received.length >= sent.length) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.stop();

    expect(received.map((m) => m.value).sort()).toEqual(sent.map((m) => m.value).sort());
    // Same key, same partition, in order.
    for (const key of ['shipment-0', 'shipment-1', 'shipment-2']) {
      const ofKey = received.filter((m) => m.key === key);
      expect(new Set(ofKey.map((m) => m.partition)).size).toBe(1);
      expect(ofKey.map((m) => m.value)).toEqual(sent.filter((m) => m.key === key).map((m) => m.value));
    }
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const total = committed!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(total).toBe(sent.length);
  });
});

describe('PostgreSQL', () => {
  it('gives each caller its own migrated copy of the template database', async () => {
    const a = await createTestDatabase();
    cleanups.push(() => a.drop());
    const b = await createTestDatabase();
    cleanups.push(() => b.drop());
    expect(a.url).not.toBe(b.url);

    for (const url of [a.url, b.url]) {
      const tables = await query<{ table_name: string }>(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
      expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['shipments', 'outbox', 'processed_messages']));
    }

    await query(a.url, `INSERT INTO processed_messages (consumer_group, message_id) VALUES ('harness', 'm-1')`);
    expect(await query(a.url, `SELECT message_id FROM processed_messages`)).toEqual([{ message_id: 'm-1' }]);
    expect(await query(b.url, `SELECT message_id FROM processed_messages`)).toEqual([]);
  });

  it('drops a copy on request', async () => {
    const copy = await createTestDatabase();
    const name = new URL(copy.url).pathname.slice(1);
    await copy.drop();
    const rows = await query(process.env['PW_TEST_ADMIN_DATABASE_URL']!, `SELECT 1 FROM pg_database WHERE datname = '${name}'`);
    expect(rows).toEqual([]);
  });
});

describe('S3', () => {
  const settings = s3Settings();
  const client = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
  });
  // Destroyed last (cleanups run in reverse), after the cleanups that still use it.
  cleanups.push(async () => client.destroy());
  const key = `it/harness/${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const body = Buffer.from('{"proof":"of shipment"}');
  const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('base64');

  it('stores a body with its SHA-256 checksum and returns both', async () => {
    const put = await client.send(
      new PutObjectCommand({ Bucket: settings.bucket, Key: `${key}/ok.json`, Body: body, ChecksumAlgorithm: 'SHA256', ChecksumSHA256: sha256(body) }),
    );
    expect(put.ChecksumSHA256).toBe(sha256(body));

    const head = await client.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: `${key}/ok.json`, ChecksumMode: 'ENABLED' }));
    expect(head.ContentLength).toBe(body.length);
    expect(head.ChecksumSHA256).toBe(sha256(body));

    const got = await client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: `${key}/ok.json` }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  // With ChecksumAlgorithm the SDK also sends x-amz-sdk-checksum-algorithm (the archive adapter's
  // request shape); S3Mock 5.x then ignores the checksum, so both shapes are checked.
  it.each<[string, { ChecksumAlgorithm?: 'SHA256' }]>([
    ['a bare x-amz-checksum-sha256', {}],
    ['ChecksumAlgorithm SHA256', { ChecksumAlgorithm: 'SHA256' }],
  ])('refuses a body whose SHA-256 checksum does not match (%s)', async (_shape, extra) => {
    const badKey = `${key}/bad-${extra.ChecksumAlgorithm ?? 'bare'}.json`;
    await expect(
      client.send(new PutObjectCommand({ Bucket: settings.bucket, Key: badKey, Body: body, ChecksumSHA256: sha256('something else'), ...extra })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    await expect(client.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: badKey }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  // What every S3 the harness offers has in common (S3Mock stores retention but does not enforce
  // it, nor keep a mode sent on PutObject): the archive may send both, and set retention after.
  it('keeps a retention set on an object in a bucket created with Object Lock', async () => {
    const bucket = `pw-lock-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    await client.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    const lockedKey = 'proofs/m/s/shipment/bundle.json';
    cleanups.push(async () => {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: lockedKey, BypassGovernanceRetention: true }));
      await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    });
    const retainUntil = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3_600_000);

    const put = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: lockedKey,
        Body: body,
        ChecksumSHA256: sha256(body),
        ObjectLockMode: 'GOVERNANCE',
        ObjectLockRetainUntilDate: retainUntil,
      }),
    );
    expect(put.ChecksumSHA256).toBe(sha256(body));
    await client.send(
      new PutObjectRetentionCommand({ Bucket: bucket, Key: lockedKey, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: retainUntil } }),
    );
    const { Retention } = await client.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: lockedKey }));
    expect(Retention?.Mode).toBe('GOVERNANCE');
    expect(Retention?.RetainUntilDate?.getTime()).toBe(retainUntil.getTime());
  });
});
