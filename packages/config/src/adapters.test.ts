import { describe, expect, it } from '@jest/globals';
import { describeAdapters, selectAdapters } from './adapters.js';
import { parseEnv } from './parse-env.js';
import { serviceSettingsSchema } from './settings.schema.js';

const plan = (env: Record<string, string>) => selectAdapters(parseEnv(serviceSettingsSchema({ defaultPort: 3000 }), env));

describe('selectAdapters', () => {
  it('picks the embedded adapters when no connection settings are given', () => {
    expect(plan({})).toEqual({
      bus: { kind: 'embedded' },
      database: { kind: 'pglite', dataDir: './data/pglite' },
      blobStore: { kind: 'filesystem', dir: './data/blobs' },
    });
    expect(plan({ PGLITE_DATA_DIR: 'memory://', BLOB_DIR: '/tmp/blobs' })).toMatchObject({
      database: { kind: 'pglite', dataDir: 'memory://' },
      blobStore: { kind: 'filesystem', dir: '/tmp/blobs' },
    });
  });

  it('picks Kafka, PostgreSQL and S3 when they are configured', () => {
    const selected = plan({
      KAFKA_BROKERS: 'kafka:19092',
      KAFKA_CLIENT_ID: 'poller',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      DATABASE_POOL_MAX: '4',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_BUCKET: 'proofs',
      S3_REGION: 'eu-west-1',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
    });
    expect(selected).toEqual({
      bus: { kind: 'kafka', brokers: ['kafka:19092'], clientId: 'poller', client: 'kafkajs' },
      database: { kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test', max: 4, waitSeconds: 60 },
      blobStore: {
        kind: 's3',
        endpoint: 'http://127.0.0.1:9000',
        bucket: 'proofs',
        region: 'eu-west-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'key', secretAccessKey: 'secret' },
        objectLockMode: 'GOVERNANCE',
      },
    });
    expect(describeAdapters(selected)).toEqual({ bus: 'kafka', database: 'postgres', blobStore: 's3' });
  });

  it('secures the Kafka connection from KAFKA_SSL* and KAFKA_SASL* settings, client-neutral', () => {
    const selected = plan({
      KAFKA_BROKERS: 'kafka:9093',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem',
      KAFKA_SSL_CERT_FILE: '/etc/kafka/client.pem',
      KAFKA_SSL_KEY_FILE: '/etc/kafka/client.key',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'compensation',
      KAFKA_SASL_PASSWORD: 's3cret',
    });
    expect(selected.bus).toEqual({
      kind: 'kafka',
      brokers: ['kafka:9093'],
      clientId: 'parcelwatch',
      client: 'kafkajs',
      tls: { caFile: '/etc/kafka/ca.pem', certFile: '/etc/kafka/client.pem', keyFile: '/etc/kafka/client.key' },
      sasl: { mechanism: 'scram-sha-512', username: 'compensation', password: 's3cret' },
    });
    expect(describeAdapters(selected).bus).toBe('kafka (tls, sasl scram-sha-512)');
    expect(JSON.stringify(describeAdapters(selected))).not.toContain('s3cret');
    expect(plan({ KAFKA_BROKERS: 'kafka:9093', KAFKA_SSL: 'yes' }).bus).toEqual({ kind: 'kafka', brokers: ['kafka:9093'], clientId: 'parcelwatch', client: 'kafkajs', tls: {} });
  });

  it('chooses the Kafka client library from KAFKA_CLIENT, kafkajs unless told, and refuses another', () => {
    const selected = plan({ KAFKA_BROKERS: 'kafka:9092', KAFKA_CLIENT: ' Platformatic ' });
    expect(selected.bus).toEqual({ kind: 'kafka', brokers: ['kafka:9092'], clientId: 'parcelwatch', client: 'platformatic' });
    expect(describeAdapters(selected).bus).toBe('kafka (platformatic)');
    expect(() => plan({ KAFKA_BROKERS: 'kafka:9092', KAFKA_CLIENT: 'rdkafka' })).toThrow(/KAFKA_CLIENT/);
  });

  it('refuses Kafka security settings that would be ignored or weaker than asked, every one at once, values never echoed', () => {
    const settings = serviceSettingsSchema({ defaultPort: 3000 });
    const attempt = () =>
      parseEnv(settings, {
        KAFKA_BROKERS: 'kafka:9093',
        KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem',
        KAFKA_SSL_CERT_FILE: '/etc/kafka/client.pem',
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_PASSWORD: 'hunter2-secret',
      });
    expect(attempt).toThrow(/KAFKA_SSL_CA_FILE/);
    const message = (() => {
      try {
        attempt();
        return '';
      } catch (err) {
        return String(err);
      }
    })();
    for (const key of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_MECHANISM']) {
      expect(message).toContain(key);
    }
    expect(message).not.toContain('hunter2-secret');
    expect(() => parseEnv(settings, { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toThrow(/KAFKA_SASL_MECHANISM/);
    expect(() => parseEnv(settings, { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });

  it('treats a bucket without an endpoint as AWS S3: virtual-hosted style, default credential chain', () => {
    expect(plan({ S3_BUCKET: 'proofs', S3_OBJECT_LOCK_MODE: 'COMPLIANCE' }).blobStore).toEqual({
      kind: 's3',
      bucket: 'proofs',
      region: 'us-east-1',
      forcePathStyle: false,
      objectLockMode: 'COMPLIANCE',
    });
  });

  it('lets S3_FORCE_PATH_STYLE override the endpoint-based default', () => {
    const blobStore = plan({ S3_ENDPOINT: 'https://s3.example.com', S3_BUCKET: 'proofs', S3_FORCE_PATH_STYLE: 'no' }).blobStore;
    expect(blobStore).toMatchObject({ kind: 's3', forcePathStyle: false });
  });
});
