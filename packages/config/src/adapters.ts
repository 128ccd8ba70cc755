import type { DatabaseSettings, KafkaSettings, S3Settings } from './settings.schema.js';

/*
 * One code path, two ways to run: the same services get real Kafka/PostgreSQL/S3 adapters
 * when connection settings are present, and the embedded ones (in-process bus, PGlite,
 * filesystem) when they are absent.
 */

/**
 * How a client secures its broker connections, in terms of the protocol rather than of one Kafka
 * client library: file paths, read by the bus adapter that opens the connection.
 */
export interface KafkaTlsConfig {
  /** Absent: the system's trusted CAs. */
  caFile?: string;
  /** A client certificate for mutual TLS. */
  certFile?: string;
  keyFile?: string;
}

export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface KafkaSaslConfig {
  mechanism: KafkaSaslMechanism;
  username: string;
  password: string;
}

/** The Kafka client library the bus is built on (KAFKA_CLIENT). */
export type KafkaClientName = 'kafkajs' | 'platformatic';

export type BusConfig =
  | { kind: 'kafka'; brokers: string[]; clientId: string; client: KafkaClientName; tls?: KafkaTlsConfig; sasl?: KafkaSaslConfig }
  | { kind: 'embedded' };

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
  const config: BusConfig = { kind: 'kafka', brokers: settings.KAFKA_BROKERS, clientId: settings.KAFKA_CLIENT_ID, client: settings.KAFKA_CLIENT };
  if (settings.KAFKA_SSL) config.tls = kafkaTlsConfig(settings);
  // The schema guarantees username and password whenever a mechanism is set.
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = settings;
  if (mechanism !== undefined && username !== undefined && password !== undefined) config.sasl = { mechanism, username, password };
  return config;
}

function kafkaTlsConfig(settings: KafkaSettings): KafkaTlsConfig {
  const tls: KafkaTlsConfig = {};
  if (settings.KAFKA_SSL_CA_FILE !== undefined) tls.caFile = settings.KAFKA_SSL_CA_FILE;
  if (settings.KAFKA_SSL_CERT_FILE !== undefined) tls.certFile = settings.KAFKA_SSL_CERT_FILE;
  if (settings.KAFKA_SSL_KEY_FILE !== undefined) tls.keyFile = settings.KAFKA_SSL_KEY_FILE;
  return tls;
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
  return { bus: describeBus(plan.bus), database: plan.database.kind, blobStore: plan.blobStore.kind };
}

/**
 * `kafka`, or e.g. `kafka (platformatic, tls, sasl scram-sha-512)`: an operator sees at start
 * whether the broker link is secured, and which client it runs on when not the default.
 */
function describeBus(bus: BusConfig): string {
  if (bus.kind === 'embedded') return bus.kind;
  const parts = [...(bus.client !== 'kafkajs' ? [bus.client] : []), ...(bus.tls ? ['tls'] : []), ...(bus.sasl ? [`sasl ${bus.sasl.mechanism}`] : [])];
  if (parts.length === 0) return bus.kind;
  return `kafka (${parts.join(', ')})`;
}
