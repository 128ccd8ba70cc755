import type { DatabaseSettings, KafkaSettings, S3Settings } from './settings.schema.js';

/*
 * One code path, two ways to run: the same services get real Kafka/PostgreSQL/S3 adapters
 * when connection settings are present, and the embedded ones (in-process bus, PGlite,
 * filesystem) when they are absent.
 */

export type BusConfig = { kind: 'kafka'; brokers: string[]; clientId: string } | { kind: 'embedded' };

/** Same shape as packages/db's DbConfig, so it can be passed to createDb directly. */
export type DatabaseConfig = { kind: 'postgres'; url: string; max?: number; waitSeconds?: number } | { kind: 'pglite'; dataDir?: string };

export type BlobStoreConfig =
  | {
      kind: 's3';
      /** Absent: the SDK's default AWS endpoint for the region. */
      endpoint?: string;
      bucket: string;
      region: string;
      forcePathStyle: boolean;
      /** Absent: the SDK's default credential chain (instance role, AWS_* env, profile). */
      credentials?: { accessKeyId: string; secretAccessKey: string };
      objectLockMode: 'GOVERNANCE' | 'COMPLIANCE';
    }
  | { kind: 'filesystem'; dir: string };

export interface AdapterPlan {
  bus: BusConfig;
  database: DatabaseConfig;
  blobStore: BlobStoreConfig;
}

export function busConfig(settings: KafkaSettings): BusConfig {
  if (settings.KAFKA_BROKERS === undefined) return { kind: 'embedded' };
  return { kind: 'kafka', brokers: settings.KAFKA_BROKERS, clientId: settings.KAFKA_CLIENT_ID };
}

export function databaseConfig(settings: DatabaseSettings): DatabaseConfig {
  if (settings.DATABASE_URL === undefined) return { kind: 'pglite', dataDir: settings.PGLITE_DATA_DIR };
  return { kind: 'postgres', url: settings.DATABASE_URL, max: settings.DATABASE_POOL_MAX, waitSeconds: settings.DATABASE_WAIT_SECONDS };
}

/**
 * S3 when either S3_ENDPOINT or S3_BUCKET is set: a bucket alone means AWS S3 itself, and
 * silently falling back to local files there would lose proofs. The schema guarantees a
 * bucket whenever an endpoint is set.
 */
export function blobStoreConfig(settings: S3Settings): BlobStoreConfig {
  const bucket = settings.S3_BUCKET;
  if (bucket === undefined) return { kind: 'filesystem', dir: settings.BLOB_DIR };
  const config: BlobStoreConfig = {
    kind: 's3',
    bucket,
    region: settings.S3_REGION,
    forcePathStyle: settings.S3_FORCE_PATH_STYLE ?? settings.S3_ENDPOINT !== undefined,
    objectLockMode: settings.S3_OBJECT_LOCK_MODE,
  };
  if (settings.S3_ENDPOINT !== undefined) config.endpoint = settings.S3_ENDPOINT;
  if (settings.S3_ACCESS_KEY_ID !== undefined && settings.S3_SECRET_ACCESS_KEY !== undefined) {
    config.credentials = { accessKeyId: settings.S3_ACCESS_KEY_ID, secretAccessKey: settings.S3_SECRET_ACCESS_KEY };
  }
  return config;
}

/** Which adapter each port gets, from settings parsed with serviceSettingsSchema (or the groups it needs). */
export function selectAdapters(settings: KafkaSettings & DatabaseSettings & S3Settings): AdapterPlan {
  return { bus: busConfig(settings), database: databaseConfig(settings), blobStore: blobStoreConfig(settings) };
}

/** The plan without secrets or URLs (credentials live in them), for a startup log line. */
export function describeAdapters(plan: AdapterPlan): { bus: string; database: string; blobStore: string } {
  return { bus: plan.bus.kind, database: plan.database.kind, blobStore: plan.blobStore.kind };
}
