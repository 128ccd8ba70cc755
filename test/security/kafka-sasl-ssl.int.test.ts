import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { createKafkaBus, KAFKA_CLIENTS, kafkaBusOptions, type BusConsumer, type KafkaClientName, type KafkaEventBus } from '@parcelwatch/bus';
import { busConfig, kafkaSettingsSchema, parseEnv } from '@parcelwatch/config';
import { createEnvelope, type Envelope } from '@parcelwatch/contracts';
import { createLogger } from '@parcelwatch/logger';
import { createKafkaTlsMaterial, type KafkaTlsMaterial } from '../../infra/local/launchers/kafka-tls.js';
import { startLocalKafka, type LocalKafka } from '../../infra/local/launchers/kafka.launcher.js';
import { createLocalRun, type LocalRun } from '../../infra/local/launchers/process-group.js';

/*
 * Kafka security as a deployer configures it: a private broker (started once for this file, on
 * loopback) with a SASL_SSL listener, TLS material and credentials made at test time. The
 * product's bus is opened from KAFKA_* settings exactly as every service opens it (settings ->
 * busConfig -> kafkaBusOptions -> the bus on the KAFKA_CLIENT library), and must publish, create
 * topics and consume over SCRAM-SHA-512 and over PLAIN; a wrong password and a plaintext client
 * are refused. Every case runs on each client library.
 */
const logger = createLogger({ name: 'kafka-sasl-ssl', level: process.env.LOG_LEVEL ?? 'silent' });
const SCRAM_USER = { name: 'pw-scram', password: 'scram-password-1' };
const PLAIN_USER = { name: 'pw-plain', password: 'plain-password-1' };

let localRun: LocalRun | undefined;
let kafka: LocalKafka | undefined;
let tls: KafkaTlsMaterial | undefined;
const buses: KafkaEventBus[] = [];

function busFromSettings(env: Record<string, string>, clientId: string): KafkaEventBus {
  const config = busConfig(parseEnv(kafkaSettingsSchema, { KAFKA_BROKERS: kafka!.saslSslBrokers!.join(','), KAFKA_CLIENT_ID: clientId, ...env }));
  if (config.kind !== 'kafka') throw new Error('settings chose the embedded bus');
  const bus = createKafkaBus(config.client, { ...kafkaBusOptions(config, logger), connectionTimeoutMs: 5_000 });
  buses.push(bus);
  return bus;
}

/** The error, its causes and aggregated errors, as one line: each client words its failures its own way. */
function errorChain(err: unknown, depth = 0): string {
  if (!(err instanceof Error) || depth > 4) return String(err);
  const nested = [(err as { cause?: unknown }).cause, ...((err as { errors?: unknown[] }).errors ?? [])].filter((e) => e !== undefined);
  const code = (err as { code?: unknown }).code;
  return [`${err.name}${code ? ` ${String(code)}` : ''}: ${err.message}`, ...nested.map((e) => errorChain(e, depth + 1))].join(' | ');
}

/** How each client reports a refused login and a TLS listener spoken to in plaintext. */
const REFUSALS: Record<KafkaClientName, { scram: RegExp; plain: RegExp; plaintext: RegExp }> = {
  kafkajs: { scram: /SASL SCRAM SHA512 authentication failed/, plain: /SASL PLAIN authentication failed/, plaintext: /^KafkaJS(Connection|ConnectionClosed|NumberOfRetriesExceeded|RequestTimeout)/ },
  platformatic: { scram: /PLT_KFK_AUTHENTICATION|SASL_AUTHENTICATION_FAILED|Authentication failed/i, plain: /PLT_KFK_AUTHENTICATION|SASL_AUTHENTICATION_FAILED|Authentication failed/i, plaintext: /PLT_KFK_(NETWORK|TIMEOUT|MULTIPLE)/ },
};

const secured = (mechanism: string, user: { name: string; password: string }) => ({
  KAFKA_SSL: 'true',
  KAFKA_SSL_CA_FILE: tls!.caFile,
  KAFKA_SASL_MECHANISM: mechanism,
  KAFKA_SASL_USERNAME: user.name,
  KAFKA_SASL_PASSWORD: user.password,
});

async function roundTrip(bus: KafkaEventBus, topic: string): Promise<Envelope[]> {
  await bus.ensureTopics([{ name: topic, partitions: 1 }]);
  const received: Envelope[] = [];
  const consumer: BusConsumer = bus.subscribe({
    topics: topic,
    groupId: `${topic}-group`,
    handler: async (messages) => {
      received.push(...messages.map((message) => message.event));
    },
  });
  await consumer.start();
  const sent = createEnvelope({ type: 'parcelwatch.shipment.registered.v1', source: 'kafka-sasl-ssl-test', subject: `shp-${topic}`, merchantid: 'm-1', data: { topic } });
  await bus.publish(topic, [sent]);
  for (let waited = 0; received.length === 0 && waited < 60_000; waited += 100) await pause(100);
  await consumer.stop();
  return received;
}

describe('Kafka over SASL_SSL, configured from KAFKA_SSL* and KAFKA_SASL* settings', () => {
  beforeAll(async () => {
    localRun = createLocalRun();
    tls = await createKafkaTlsMaterial(path.join(localRun.dir, 'tls'));
    kafka = await startLocalKafka(localRun, 120_000, {
      saslSsl: { keystoreFile: tls.keystoreFile, keystorePassword: tls.keystorePassword, scramUsers: [SCRAM_USER], plainUsers: [PLAIN_USER] },
    });
  }, 240_000);

  afterAll(async () => {
    for (const bus of buses) await bus.disconnect().catch(() => undefined);
    await localRun?.stop();
  });

  describe.each(KAFKA_CLIENTS)('on %s', (client) => {
    const on = (env: Record<string, string>) => ({ ...env, KAFKA_CLIENT: client });
    const topic = (base: string) => `${base}-${client}`;

    it('publishes, creates topics and consumes over TLS with SCRAM-SHA-512', async () => {
      const received = await roundTrip(busFromSettings(on(secured('scram-sha-512', SCRAM_USER)), 'scram-client'), topic('secure-scram'));
      expect(received.map((event) => event.data)).toEqual([{ topic: topic('secure-scram') }]);
    });

    it('publishes and consumes over TLS with PLAIN', async () => {
      const received = await roundTrip(busFromSettings(on(secured('plain', PLAIN_USER)), 'plain-client'), topic('secure-plain'));
      expect(received.map((event) => event.data)).toEqual([{ topic: topic('secure-plain') }]);
    });

    it('refuses a wrong password with an authentication error that does not echo it', async () => {
      const bus = busFromSettings(on(secured('scram-sha-512', { name: SCRAM_USER.name, password: 'not-the-password' })), 'wrong-password');
      const error = await bus.connect().then(() => undefined, (err: unknown) => err as Error);
      expect(errorChain(error)).toMatch(REFUSALS[client].scram);
      expect(errorChain(error)).not.toContain('not-the-password');
    });

    it('refuses a PLAIN user whose password is wrong', async () => {
      const bus = busFromSettings(on(secured('plain', { name: PLAIN_USER.name, password: 'guess' })), 'wrong-plain');
      const error = await bus.connect().then(() => undefined, (err: unknown) => err as Error);
      expect(errorChain(error)).toMatch(REFUSALS[client].plain);
      expect(errorChain(error)).not.toContain('guess');
    });

    it('gives a plaintext client nothing from the TLS listener', async () => {
      const bus = busFromSettings(on({}), 'plaintext-client');
      const error = await bus.connect().then(() => undefined, (err: unknown) => err as Error);
      expect(error).toBeInstanceOf(Error);
      expect(errorChain(error)).toMatch(REFUSALS[client].plaintext);
    });
  });
});
