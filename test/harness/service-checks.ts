// Readiness beyond "the port is open": the group and transaction coordinators are loaded and
// the bucket exists, so the first test does not pay (or flake on) the cluster's warm-up.
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Kafka, logLevel } from 'kafkajs';

export async function warmUpKafka(brokers: string[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'pw-harness', brokers, logLevel: logLevel.NOTHING, retry: { retries: 12, initialRetryTime: 200 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Finding a group coordinator creates __consumer_offsets and waits until it is loaded.
    await admin.describeGroups(['pw-harness-warm-up']);
  } finally {
    await admin.disconnect();
  }
  // Likewise __transaction_state, used by idempotent and transactional producers.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, transactionalId: 'pw-harness-warm-up' });
  await producer.connect();
  await producer.disconnect();
}

export async function ensureBucket(s: {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
}): Promise<void> {
  const client = new S3Client({
    endpoint: s.endpoint,
    region: s.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
  });
  try {
    await client.send(new HeadBucketCommand({ Bucket: s.bucket }));
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) throw error;
    await client.send(new CreateBucketCommand({ Bucket: s.bucket }));
  } finally {
    client.destroy();
  }
}
