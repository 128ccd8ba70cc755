import { z } from 'zod';
import { envBool, envHostPortList, envInt, envUrl, logLevelSchema, nodeEnvSchema } from './env.schema.js';

/*
 * Shared settings, as zod shapes so a service composes exactly the groups it needs:
 *   z.object({ ...kafkaEnv, ...databaseEnv })
 * Absent connection settings select the embedded adapters (see adapters.ts).
 */

/** KAFKA_BROKERS absent = the in-process bus. TLS and SASL only apply to real Kafka. */
export const kafkaEnv = {
  KAFKA_BROKERS: envHostPortList().optional(),
  KAFKA_CLIENT_ID: z.string().trim().min(1).default('parcelwatch'),
  /** The client library under the bus; both pass the bus contract suite (docs/benchmarks.md). */
  KAFKA_CLIENT: z
    .string()
    .transform((raw) => raw.trim().toLowerCase())
    .pipe(z.enum(['kafkajs', 'platformatic'], { error: 'must be kafkajs or platformatic' }))
    .default('kafkajs'),
  KAFKA_SSL: envBool().default(false),
  /** Unset with KAFKA_SSL: the system's trusted CAs. */
  KAFKA_SSL_CA_FILE: z.string().trim().min(1).optional(),
  /** A client certificate (mutual TLS): both files or neither. */
  KAFKA_SSL_CERT_FILE: z.string().trim().min(1).optional(),
  KAFKA_SSL_KEY_FILE: z.string().trim().min(1).optional(),
  KAFKA_SASL_MECHANISM: z
    .string()
    .transform((raw) => raw.trim().toLowerCase())
    .pipe(z.enum(['plain', 'scram-sha-256', 'scram-sha-512'], { error: 'must be one of plain, scram-sha-256, scram-sha-512' }))
    .optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
};

/** DATABASE_URL absent = embedded PGlite under PGLITE_DATA_DIR. */
export const databaseEnv = {
  DATABASE_URL: envUrl(/^postgres(ql)?$/, 'postgres://').optional(),
  DATABASE_POOL_MAX: envInt({ min: 1, max: 1000 }).default(10),
  /** How long a process keeps trying to reach PostgreSQL at start before it gives up. */
  DATABASE_WAIT_SECONDS: envInt({ min: 0, max: 3600 }).default(60),
  PGLITE_DATA_DIR: z.string().default('./data/pglite'),
};

/** S3_ENDPOINT and S3_BUCKET absent = filesystem blob store under BLOB_DIR. */
export const s3Env = {
  S3_ENDPOINT: envUrl(/^https?$/, 'http(s)://').optional(),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)')
    .optional(),
  S3_REGION: z.string().trim().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Unset: path-style when an endpoint is given (MinIO and most S3-compatible servers need it). */
  S3_FORCE_PATH_STYLE: envBool().optional(),
  /** Retention mode for proofs when the bucket has Object Lock; GOVERNANCE can be lifted by an admin. */
  S3_OBJECT_LOCK_MODE: z.enum(['GOVERNANCE', 'COMPLIANCE'], { error: 'must be GOVERNANCE or COMPLIANCE' }).default('GOVERNANCE'),
  BLOB_DIR: z.string().default('./data/blobs'),
};

/** The health/metrics (and, for api and carrier-sandbox, the main) HTTP listener. */
export function httpEnv(defaultPort: number) {
  return {
    PORT: envInt({ min: 0, max: 65535 }).default(defaultPort),
    // Loopback unless told otherwise: a container sets HOST=0.0.0.0 on purpose.
    HOST: z.string().trim().min(1).default('127.0.0.1'),
  };
}

export const runtimeEnv = {
  LOG_LEVEL: logLevelSchema.default('info'),
  NODE_ENV: nodeEnvSchema.default('development'),
  /** Hard deadline for a graceful stop; keep it under the orchestrator's kill grace period. */
  SHUTDOWN_TIMEOUT_MS: envInt({ min: 100, max: 600_000 }).default(25_000),
};

type KafkaInput = {
  KAFKA_SSL?: unknown;
  KAFKA_SSL_CA_FILE?: unknown;
  KAFKA_SSL_CERT_FILE?: unknown;
  KAFKA_SSL_KEY_FILE?: unknown;
  KAFKA_SASL_MECHANISM?: unknown;
  KAFKA_SASL_USERNAME?: unknown;
  KAFKA_SASL_PASSWORD?: unknown;
};

const sslOn = (env: KafkaInput) => env.KAFKA_SSL === true;

/**
 * Rules across Kafka security keys (presence only, like the S3 ones). A TLS file without
 * KAFKA_SSL would be silently ignored, and SASL PLAIN without TLS sends the password in clear:
 * both refused rather than quietly weaker than the operator meant.
 */
const kafkaRules = [
  ...(['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const).map((key) =>
    z.refine<KafkaInput>((env) => env[key] === undefined || sslOn(env), { path: [key], message: 'needs KAFKA_SSL=true', when: () => true }),
  ),
  z.refine<KafkaInput>((env) => (env.KAFKA_SSL_CERT_FILE === undefined) === (env.KAFKA_SSL_KEY_FILE === undefined), {
    path: ['KAFKA_SSL_KEY_FILE'],
    message: 'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together',
    when: () => true,
  }),
  ...(['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const).map((key) =>
    z.refine<KafkaInput>((env) => env.KAFKA_SASL_MECHANISM === undefined || env[key] !== undefined, {
      path: [key],
      message: 'is required when KAFKA_SASL_MECHANISM is set',
      when: () => true,
    }),
  ),
  z.refine<KafkaInput>((env) => env.KAFKA_SASL_MECHANISM !== undefined || (env.KAFKA_SASL_USERNAME === undefined && env.KAFKA_SASL_PASSWORD === undefined), {
    path: ['KAFKA_SASL_MECHANISM'],
    message: 'is required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set',
    when: () => true,
  }),
  z.refine<KafkaInput>((env) => env.KAFKA_SASL_MECHANISM !== 'plain' || sslOn(env), {
    path: ['KAFKA_SASL_MECHANISM'],
    message: 'plain sends the password in clear: it needs KAFKA_SSL=true',
    when: () => true,
  }),
];

type S3Input = { S3_ENDPOINT?: unknown; S3_BUCKET?: unknown; S3_ACCESS_KEY_ID?: unknown; S3_SECRET_ACCESS_KEY?: unknown };

/**
 * Rules across S3 keys. `when: () => true` makes them run even when another key already
 * failed, so the operator still sees every problem at once; they only test presence,
 * which is meaningful on a half-parsed object.
 */
const s3Rules = [
  z.refine<S3Input>((env) => env.S3_ENDPOINT === undefined || env.S3_BUCKET !== undefined, {
    path: ['S3_BUCKET'],
    message: 'is required when S3_ENDPOINT is set',
    when: () => true,
  }),
  z.refine<S3Input>((env) => env.S3_ACCESS_KEY_ID !== undefined || env.S3_SECRET_ACCESS_KEY === undefined, {
    path: ['S3_ACCESS_KEY_ID'],
    message: 'is required when S3_SECRET_ACCESS_KEY is set',
    when: () => true,
  }),
  z.refine<S3Input>((env) => env.S3_SECRET_ACCESS_KEY !== undefined || env.S3_ACCESS_KEY_ID === undefined, {
    path: ['S3_SECRET_ACCESS_KEY'],
    message: 'is required when S3_ACCESS_KEY_ID is set',
    when: () => true,
  }),
];

export const kafkaSettingsSchema = z.object(kafkaEnv).check(...kafkaRules);
export const databaseSettingsSchema = z.object(databaseEnv);
export const s3SettingsSchema = z.object(s3Env).check(...s3Rules);
export function httpSettingsSchema(defaultPort: number) {
  return z.object(httpEnv(defaultPort));
}
export const runtimeSettingsSchema = z.object(runtimeEnv);

/** Everything a parcelwatch service process reads: connections, HTTP, logging. */
export function serviceSettingsSchema(options: { defaultPort: number }) {
  return z
    .object({ ...kafkaEnv, ...databaseEnv, ...s3Env, ...httpEnv(options.defaultPort), ...runtimeEnv })
    .check(...kafkaRules, ...s3Rules);
}

export type KafkaSettings = z.output<typeof kafkaSettingsSchema>;
export type DatabaseSettings = z.output<typeof databaseSettingsSchema>;
export type S3Settings = z.output<typeof s3SettingsSchema>;
export type HttpSettings = z.output<ReturnType<typeof httpSettingsSchema>>;
export type RuntimeSettings = z.output<typeof runtimeSettingsSchema>;
export type ServiceSettings = z.output<ReturnType<typeof serviceSettingsSchema>>;

/**
 * A service's whole configuration: the shared settings, its own keys, and cross-key rules of both
 * (every rule is reported with the rest, so one pass shows every bad key). Each service's
 * `src/config.ts` builds its schema with this, and its main.ts and `parcelwatch start` parse it.
 */
export function serviceConfigSchema<Own extends z.ZodRawShape>(options: { defaultPort: number }, own: Own, ...rules: z.core.$ZodCheck<Record<string, unknown>>[]) {
  return z
    .object({ ...kafkaEnv, ...databaseEnv, ...s3Env, ...httpEnv(options.defaultPort), ...runtimeEnv, ...own })
    .check(...kafkaRules, ...s3Rules, ...rules);
}
