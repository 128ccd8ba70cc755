import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { SASLMechanisms, type ConnectionOptions, type SASLOptions } from '@platformatic/kafka';
import type { SASLOptions as KafkajsSaslOptions } from 'kafkajs';
import type { KafkaBusOptions } from './kafka-bus.js';

/*
 * KafkaBusOptions (kafka-connection.ts maps the KAFKA_* settings to them once) in
 * @platformatic/kafka's terms, so both clients open the same TLS and SASL connections.
 */

/** Only the mechanisms our settings allow (plain, SCRAM): others are refused, not silently dropped. */
export function platformaticSasl(sasl: KafkajsSaslOptions): SASLOptions {
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: SASLMechanisms.PLAIN, username: sasl.username, password: sasl.password };
    case 'scram-sha-256':
      return { mechanism: SASLMechanisms.SCRAM_SHA_256, username: sasl.username, password: sasl.password };
    case 'scram-sha-512':
      return { mechanism: SASLMechanisms.SCRAM_SHA_512, username: sasl.username, password: sasl.password };
    default:
      throw new Error(`SASL mechanism ${sasl.mechanism} is not supported on the platformatic Kafka client`);
  }
}

export interface PlatformaticConnection extends ConnectionOptions {
  clientId: string;
  bootstrapBrokers: string[];
}

export function platformaticConnection(options: KafkaBusOptions): PlatformaticConnection {
  const tls: TlsOptions | undefined = options.ssl === true ? {} : options.ssl || undefined;
  return {
    clientId: options.clientId ?? 'parcelwatch',
    bootstrapBrokers: [...options.brokers],
    connectTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    ...(tls ? { tls } : {}),
    ...(options.sasl ? { sasl: platformaticSasl(options.sasl) } : {}),
  };
}
