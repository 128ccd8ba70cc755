// The integration harness API ('@parcelwatch/test-harness'). Global set-up (suite-setup.ts)
// starts the services and publishes them through env vars; these helpers read them in test files.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect } from '@jest/globals';
import { cloneTemplate, databaseUrl, dropDatabase } from './template-db.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run integration tests through \`npm run test:integration\` (its global set-up provides it)`);
  }
  return value;
}

let counter = 0;

/** Short, Kafka- and identifier-safe tag of the running test file, for names a human can trace back. */
function fileTag(): string {
  let testPath: string | undefined;
  try {
    testPath = expect.getState().testPath;
  } catch {
    testPath = undefined;
  }
  const base = testPath ? path.basename(testPath).replace(/\.int\.test\.ts$|\.test\.ts$|\.ts$/, '') : 'file';
  return base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 24) || 'file';
}

export function kafkaBrokers(): string[] {
  return required('KAFKA_BROKERS')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
}

/** `${base}-<fileTag>-<n>-<rand>`: unique per test file and call, so files never share a topic. */
export function uniqueTopic(base: string): string {
  counter += 1;
  return `${base}-${fileTag()}-${counter}-${randomBytes(3).toString('hex')}`;
}

/** A fresh copy of the migrated template database; `drop()` removes it (teardown drops leftovers). */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = required('PW_TEST_ADMIN_DATABASE_URL');
  const template = required('PW_TEST_TEMPLATE_DB');
  counter += 1;
  // <run tag>_<file>_<n>_<rand>: the run tag prefix lets teardown find every copy of this run.
  const runTag = template.replace(/_tpl$/, '');
  const tag = fileTag().replace(/-/g, '_').slice(0, 16);
  const name = `${runTag}_${tag}_${counter}_${randomBytes(2).toString('hex')}`.slice(0, 63);
  await cloneTemplate(adminUrl, template, name);
  let dropped = false;
  return {
    url: databaseUrl(adminUrl, name),
    async drop() {
      if (dropped) return;
      dropped = true;
      await dropDatabase(adminUrl, name);
    },
  };
}

export function s3Settings(): {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  forcePathStyle: true;
} {
  return {
    endpoint: required('S3_ENDPOINT'),
    region: process.env['S3_REGION'] ?? 'us-east-1',
    accessKeyId: required('S3_ACCESS_KEY_ID'),
    secretAccessKey: required('S3_SECRET_ACCESS_KEY'),
    bucket: required('S3_BUCKET'),
    forcePathStyle: true,
  };
}
