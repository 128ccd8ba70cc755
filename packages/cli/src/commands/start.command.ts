import { fileURLToPath } from 'node:url';
import { describeAdapters, parseEnv, selectAdapters, serviceSettingsSchema } from '@parcelwatch/config';
import { createLogger } from '@parcelwatch/logger';
import { createLifecycle, systemClock } from '@parcelwatch/service-kit';
import { openStack } from '../embedded-stack.js';
import { ensureBootstrapAdminKey } from './keys.command.js';

export interface StartOptions {
  /** Start everything, check it is ready, print the report, stop. For scripts and CI. */
  once: boolean;
}

const DEFAULT_PORT = 3000;
/** Where `start` keeps its admin API key (every merchant); the key is never printed or logged. */
const ADMIN_KEY_FILE = 'data/admin-key';
const TOPICS_FILE = fileURLToPath(new URL('../../../../infra/kafka/topics.yaml', import.meta.url));

/**
 * `parcelwatch start`: every service in one process. With no KAFKA_BROKERS / DATABASE_URL /
 * S3_ENDPOINT it runs on embedded defaults (PGlite under ./data, the in-process bus, a
 * filesystem blob store); with them, on the real ones. One health server reports on all.
 */
export async function startCommand(options: StartOptions): Promise<number> {
  const settings = parseEnv(serviceSettingsSchema({ defaultPort: DEFAULT_PORT }));
  const logger = createLogger({ name: 'parcelwatch', level: settings.LOG_LEVEL, pretty: process.stdout.isTTY });
  const lifecycle = createLifecycle({ logger, timeoutMs: settings.SHUTDOWN_TIMEOUT_MS, exit: options.once ? () => undefined : undefined });
  const plan = selectAdapters(settings);
  logger.info({ adapters: describeAdapters(plan) }, 'starting parcelwatch');

  const stack = await openStack({ plan, logger, clock: systemClock, topicsFile: TOPICS_FILE, http: { host: settings.HOST, port: settings.PORT } });
  lifecycle.register('adapters', () => stack.close());
  const adminKey = await ensureBootstrapAdminKey(stack.db, systemClock, ADMIN_KEY_FILE);
  for (const service of stack.services) {
    await service.start();
    lifecycle.register(service.name, () => service.stop());
  }
  stack.relay.start();
  lifecycle.register('outbox relay', () => stack.relay.stop());

  const report = await fetch(`${stack.api.url()}/readyz`);
  const body = (await report.json()) as unknown;
  const lines = [
    `parcelwatch is up: ${stack.api.url()} (adapters: ${JSON.stringify(describeAdapters(plan))})`,
    ...stack.services.map((s) => `  ${s.name.padEnd(16)} started`),
    `  dashboard: ${stack.api.url()}/dashboard (sign in with an API key, e.g. the one in ${ADMIN_KEY_FILE})`,
    `  api keys: required; admin key for every merchant ${adminKey.created ? 'written to' : 'reused from'} ${ADMIN_KEY_FILE} (send it as "Authorization: Bearer <key>")`,
    `  readiness: ${report.status === 200 ? 'ready' : 'NOT ready'} ${JSON.stringify(body)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (options.once) {
    await lifecycle.stop();
    return report.status === 200 ? 0 : 1;
  }
  return new Promise<number>(() => undefined); // runs until a signal; the lifecycle exits the process
}
