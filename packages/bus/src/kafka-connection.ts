import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import type { Logger } from '@parcelwatch/logger';
import type { KafkaBusOptions } from './kafka-bus.js';
import type { KafkaClientName } from './kafka-client.js';

/*
 * The Kafka half of @parcelwatch/config's BusConfig, kept structural (bus does not depend on
 * config) and client-neutral: file paths and a mechanism name. Only this file turns them into
 * kafkajs options, so replacing the client touches one mapping, not the settings.
 */

export interface KafkaTlsSettings {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface KafkaSaslSettings {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export interface KafkaConnectionSettings {
  brokers: string[];
  clientId: string;
  /** Which client library opens the connections (KAFKA_CLIENT); absent: kafkajs. */
  client?: KafkaClientName;
  tls?: KafkaTlsSettings;
  sasl?: KafkaSaslSettings;
}

/** TLS options for node:tls; the certificate files are read now, so a missing one fails the start, naming the setting. */
export function kafkaTlsOptions(tls: KafkaTlsSettings): ConnectionOptions {
  const options: ConnectionOptions = { rejectUnauthorized: true };
  if (tls.caFile !== undefined) options.ca = [readSetting('KAFKA_SSL_CA_FILE', tls.caFile)];
  if (tls.certFile !== undefined) options.cert = readSetting('KAFKA_SSL_CERT_FILE', tls.certFile);
  if (tls.keyFile !== undefined) options.key = readSetting('KAFKA_SSL_KEY_FILE', tls.keyFile);
  return options;
}

export function kafkaSaslOptions(sasl: KafkaSaslSettings): SASLOptions {
  const { username, password } = sasl;
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

/** What every service (and topic admin) opens its KafkaBus with: brokers, client id, TLS and SASL. */
export function kafkaBusOptions(settings: KafkaConnectionSettings, logger: Logger): KafkaBusOptions {
  return {
    brokers: settings.brokers,
    clientId: settings.clientId,
    logger,
    ...(settings.tls ? { ssl: kafkaTlsOptions(settings.tls) } : {}),
    ...(settings.sasl ? { sasl: kafkaSaslOptions(settings.sasl) } : {}),
  };
}

function readSetting(key: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`${key}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
}
