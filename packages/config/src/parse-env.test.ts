import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { ConfigError } from './config.error.js';
import { parseEnv } from './parse-env.js';
import { serviceSettingsSchema } from './settings.schema.js';

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseEnv', () => {
  it('applies defaults when nothing is set (embedded, loopback, info)', () => {
    const settings = parseEnv(serviceSettingsSchema({ defaultPort: 3001 }), {});
    expect(settings).toMatchObject({
      KAFKA_CLIENT_ID: 'parcelwatch',
      DATABASE_POOL_MAX: 10,
      PGLITE_DATA_DIR: './data/pglite',
      BLOB_DIR: './data/blobs',
      S3_REGION: 'us-east-1',
      PORT: 3001,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
    });
    expect(settings.KAFKA_BROKERS).toBeUndefined();
    expect(settings.DATABASE_URL).toBeUndefined();
    expect(settings.S3_ENDPOINT).toBeUndefined();
  });

  it('parses typed values: broker list, integers, booleans', () => {
    const settings = parseEnv(serviceSettingsSchema({ defaultPort: 3000 }), {
      KAFKA_BROKERS: ' kafka-1:9092, kafka-2:9092 ,',
      DATABASE_URL: 'postgresql://u:p@db:5432/parcelwatch',
      DATABASE_POOL_MAX: '25',
      S3_ENDPOINT: 'http://minio:9000',
      S3_BUCKET: 'parcelwatch-proofs',
      S3_FORCE_PATH_STYLE: 'false',
      PORT: '0',
      HOST: '0.0.0.0',
    });
    expect(settings.KAFKA_BROKERS).toEqual(['kafka-1:9092', 'kafka-2:9092']);
    expect(settings.DATABASE_POOL_MAX).toBe(25);
    expect(settings.S3_FORCE_PATH_STYLE).toBe(false);
    expect(settings.PORT).toBe(0);
  });

  it('treats empty values as absent, so defaults and embedded adapters apply', () => {
    const settings = parseEnv(serviceSettingsSchema({ defaultPort: 3000 }), { DATABASE_URL: '', PORT: ' ', S3_ENDPOINT: '' });
    expect(settings.DATABASE_URL).toBeUndefined();
    expect(settings.PORT).toBe(3000);
  });

  it('reports every bad key in one error, including cross-key rules', () => {
    const error = configErrorOf(() =>
      parseEnv(serviceSettingsSchema({ defaultPort: 3000 }), {
        KAFKA_BROKERS: 'kafka-1:9092,no-port',
        DATABASE_URL: 'mysql://root:hunter2@db/x',
        DATABASE_POOL_MAX: 'lots',
        S3_ENDPOINT: 'http://minio:9000',
        S3_SECRET_ACCESS_KEY: 'minio-secret-123',
        S3_FORCE_PATH_STYLE: 'perhaps',
        PORT: '70000',
        LOG_LEVEL: 'loud',
      }),
    );
    expect(error.retriable).toBe(false);
    expect(error.issues.map((issue) => issue.key).sort()).toEqual(
      [
        'DATABASE_POOL_MAX',
        'DATABASE_URL',
        'KAFKA_BROKERS',
        'LOG_LEVEL',
        'PORT',
        'S3_ACCESS_KEY_ID',
        'S3_BUCKET',
        'S3_FORCE_PATH_STYLE',
      ].sort(),
    );
    expect(error.issues.find((issue) => issue.key === 'KAFKA_BROKERS')?.problem).toBe('entry 2: must be host:port');
    expect(error.issues.find((issue) => issue.key === 'PORT')?.problem).toBe('must be at most 65535');
    expect(error.issues.find((issue) => issue.key === 'S3_BUCKET')?.problem).toBe('is required when S3_ENDPOINT is set');
    expect(error.message).toContain('8 problems');
    expect(error.message).toContain('  - DATABASE_URL: must be a postgres:// URL');
  });

  it('never echoes a value, even a wrong one that is a secret', () => {
    const error = configErrorOf(() =>
      parseEnv(serviceSettingsSchema({ defaultPort: 3000 }), {
        DATABASE_URL: 'mysql://root:hunter2@db/x',
        S3_SECRET_ACCESS_KEY: 'minio-secret-123',
        NODE_ENV: 'prod-hunter2',
      }),
    );
    const everything = `${error.message} ${JSON.stringify(error.issues)}`;
    expect(everything).not.toContain('hunter2');
    expect(everything).not.toContain('minio-secret-123');
  });

  it('says "is required" for a missing required key', () => {
    const error = configErrorOf(() => parseEnv(z.object({ API_KEY: z.string(), OTHER: z.string() }), { OTHER: 'x' }));
    expect(error.issues).toEqual([{ key: 'API_KEY', problem: 'is required' }]);
  });

  it('reads process.env by default', () => {
    process.env.PW_CONFIG_TEST_VALUE = '42';
    try {
      expect(parseEnv(z.object({ PW_CONFIG_TEST_VALUE: z.coerce.number() }))).toEqual({ PW_CONFIG_TEST_VALUE: 42 });
    } finally {
      delete process.env.PW_CONFIG_TEST_VALUE;
    }
  });
});
