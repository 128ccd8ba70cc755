export { ConfigError, type ConfigIssue } from './config.error.js';
export { parseEnv, parseEnvAll, type Env } from './parse-env.js';
export { envBool, envHostPortList, envInt, envUrl, logLevelSchema, nodeEnvSchema } from './env.schema.js';
export {
  kafkaEnv,
  databaseEnv,
  s3Env,
  httpEnv,
  runtimeEnv,
  kafkaSettingsSchema,
  databaseSettingsSchema,
  s3SettingsSchema,
  httpSettingsSchema,
  runtimeSettingsSchema,
  serviceSettingsSchema,
  serviceConfigSchema,
  type KafkaSettings,
  type DatabaseSettings,
  type S3Settings,
  type HttpSettings,
  type RuntimeSettings,
  type ServiceSettings,
} from './settings.schema.js';
export {
  busConfig,
  databaseConfig,
  blobStoreConfig,
  selectAdapters,
  describeAdapters,
  type AdapterPlan,
  type BusConfig,
  type KafkaTlsConfig,
  type KafkaSaslConfig,
  type KafkaSaslMechanism,
  type DatabaseConfig,
  type BlobStoreConfig,
} from './adapters.js';
