import { beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { apiConfigSchema } from '@parcelwatch/api';
import { archiverConfigSchema } from '@parcelwatch/archiver';
import { compensationConfigSchema } from '@parcelwatch/compensation';
import { detectorConfigSchema } from '@parcelwatch/detector';
import { normalizerConfigSchema } from '@parcelwatch/normalizer';
import { notifierConfigSchema } from '@parcelwatch/notifier';
import { pollerConfigSchema } from '@parcelwatch/poller';

/*
 * docker-compose.yml cannot be run here (no Docker), so its shape is checked instead:
 * every service folder is deployed, waits for healthy dependencies, is health-checked,
 * and the infrastructure is what the code expects (Kafka in KRaft mode, the topics of
 * infra/kafka/topics.yaml, PostgreSQL, MinIO with the proof bucket, Mailpit for buyer mail).
 * services/cli is the command-line tool, not a long-running service: compose runs it once as
 * the `migrate` job.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: (string | number | { published?: string | number; target?: number; host_ip?: string })[];
  command?: string | string[];
  restart?: string;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}
interface TopicsFile {
  defaults: { dlq: { partitions: number; config: Record<string, string> } };
  topics: { name: string; partitions: number; config: Record<string, string>; dlq?: boolean }[];
}

let compose: ComposeFile;
let serviceFolders: string[];

function env(service: ComposeService): Record<string, string> {
  const raw = service.environment ?? {};
  if (Array.isArray(raw)) {
    return Object.fromEntries(raw.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, String(value ?? '')]));
}

function dependencies(service: ComposeService): Record<string, string | undefined> {
  const raw = service.depends_on ?? {};
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(raw).map(([name, spec]) => [name, spec.condition]));
}

function publishedPorts(service: ComposeService): { host: string; container: string }[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'number') return { host: String(port), container: String(port) };
    if (typeof port !== 'string') return { host: String(port.published), container: String(port.target) };
    const parts = port.split(':');
    return { host: parts.at(-2) ?? '', container: (parts.at(-1) ?? '').replace(/\/(tcp|udp)$/, '') };
  });
}

function commandText(service: ComposeService): string {
  return Array.isArray(service.command) ? service.command.join('\n') : (service.command ?? '');
}

beforeAll(() => {
  compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
  const servicesDir = path.join(root, 'services');
  serviceFolders = readdirSync(servicesDir).filter((name) => statSync(path.join(servicesDir, name)).isDirectory() && !name.startsWith('.') && name !== 'cli');
});

/** The value compose gives a `${NAME:-default}` when .env does not set NAME. */
const byDefault = (value: string) => value.replace(/^\$\{[A-Z0-9_]+:-(.*)\}$/, '$1');

/** A value as compose would expand it, with `.env` setting each required `${NAME:?message}` to `from-env`. */
const expanded = (value: string) => value.replace(/\$\{[A-Z0-9_]+:\?[^}]*\}/g, 'from-env').replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');

/** `${NAME:?message}`: compose refuses to start while .env leaves NAME unset. */
const REQUIRED_FROM_ENV = /^\$\{([A-Z0-9_]+):\?[^}]+\}$/;

/** The host address a published port binds to; '' when the entry names none (all interfaces). */
function hostAddress(port: string | number | { host_ip?: string }): string {
  if (typeof port === 'number') return '';
  if (typeof port !== 'string') return port.host_ip ?? '';
  const parts = port.split(':');
  return parts.length === 3 ? parts[0]! : '';
}

const schemas: Record<string, { shape: Record<string, unknown> }> = {
  api: apiConfigSchema,
  archiver: archiverConfigSchema,
  compensation: compensationConfigSchema,
  detector: detectorConfigSchema,
  normalizer: normalizerConfigSchema,
  notifier: notifierConfigSchema,
  poller: pollerConfigSchema,
};

describe('docker-compose.yml', () => {
  it('deploys every folder under services/', () => {
    expect(serviceFolders.length).toBeGreaterThanOrEqual(8);
    for (const folder of serviceFolders) expect(Object.keys(compose.services)).toContain(folder);
  });

  it('builds each service from the root Dockerfile with SERVICE=<folder>', () => {
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ARG SERVICE$/m);
    expect(dockerfile).toContain('services/${SERVICE}/dist/main.js');
    expect(dockerfile).toMatch(/RUN npm ci/);
    expect(dockerfile).toMatch(/turbo run build --filter="@parcelwatch\/\$\{SERVICE\}"/);
    for (const folder of serviceFolders) {
      const build = compose.services[folder]?.build;
      expect({ folder, context: build?.context, dockerfile: build?.dockerfile, service: build?.args?.SERVICE }).toEqual({
        folder,
        context: '.',
        dockerfile: 'Dockerfile',
        service: folder,
      });
    }
  });

  it('gives each service the connection settings of the compose infrastructure, never the embedded fallbacks', () => {
    for (const folder of serviceFolders) {
      const vars = env(compose.services[folder]!);
      for (const key of ['KAFKA_BROKERS', 'DATABASE_URL', 'S3_ENDPOINT', 'S3_BUCKET', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'PORT']) {
        expect({ folder, key, set: (vars[key] ?? '') !== '' }).toEqual({ folder, key, set: true });
      }
      expect(vars.HOST).toBe('0.0.0.0');
      for (const broker of vars.KAFKA_BROKERS!.split(',')) expect(Object.keys(compose.services)).toContain(broker.split(':')[0]);
      expect(Object.keys(compose.services)).toContain(new URL(expanded(vars.DATABASE_URL!)).hostname);
      expect(Object.keys(compose.services)).toContain(new URL(vars.S3_ENDPOINT!).hostname);
      // The port the process listens on is the one published and health-checked.
      expect(publishedPorts(compose.services[folder]!).map((port) => port.container)).toContain(vars.PORT);
    }
  });

  it('starts each service only after its dependencies are healthy or have finished', () => {
    for (const folder of serviceFolders) {
      const deps = dependencies(compose.services[folder]!);
      for (const infra of ['kafka', 'postgres', 'minio']) expect({ folder, infra, condition: deps[infra] }).toEqual({ folder, infra, condition: 'service_healthy' });
      for (const [name, condition] of Object.entries(deps)) {
        expect(['service_healthy', 'service_completed_successfully']).toContain(condition);
        const dependency = compose.services[name];
        expect(dependency).toBeDefined();
        if (condition === 'service_healthy') expect(dependency?.healthcheck?.test).toBeDefined();
        if (condition === 'service_completed_successfully') expect(dependency?.restart).toBe('no');
      }
    }
    expect(dependencies(compose.services['kafka-topics-init']!)).toEqual({ kafka: 'service_healthy' });
    expect(dependencies(compose.services['minio-init']!)).toEqual({ minio: 'service_healthy' });
  });

  it('health-checks each service on /healthz of its own PORT', () => {
    for (const folder of serviceFolders) {
      const check = compose.services[folder]!.healthcheck;
      expect(check?.disable).not.toBe(true);
      const test = Array.isArray(check?.test) ? check.test.join(' ') : (check?.test ?? '');
      expect(test).toContain('/healthz');
      expect(test).toContain('process.env.PORT');
    }
  });

  it('runs Kafka in KRaft combined mode, without ZooKeeper', () => {
    const kafka = compose.services.kafka!;
    const vars = env(kafka);
    expect(kafka.image).toMatch(/^apache\/kafka:\d/);
    expect(vars.KAFKA_PROCESS_ROLES?.split(',').sort()).toEqual(['broker', 'controller']);
    expect(vars.KAFKA_CONTROLLER_QUORUM_VOTERS).toMatch(new RegExp(`^${vars.KAFKA_NODE_ID}@kafka:\\d+$`));
    expect(vars.KAFKA_CONTROLLER_LISTENER_NAMES).toBe('CONTROLLER');
    expect(vars.KAFKA_LISTENERS).toContain('CONTROLLER://');
    expect(vars.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Object.keys(vars).filter((key) => key.includes('ZOOKEEPER'))).toEqual([]);
    expect(Object.entries(compose.services).filter(([name, service]) => /zookeeper/i.test(`${name} ${service.image ?? ''}`))).toEqual([]);
    expect(kafka.healthcheck?.test).toBeDefined();
    // The services' brokers are an advertised listener, or clients are sent to an address they cannot reach.
    const advertised = vars.KAFKA_ADVERTISED_LISTENERS!.split(',').map((listener) => listener.replace(/^[A-Z_]+:\/\//, ''));
    for (const folder of serviceFolders) {
      for (const broker of env(compose.services[folder]!).KAFKA_BROKERS!.split(',')) expect(advertised).toContain(broker);
    }
  });

  it('creates exactly the topics of infra/kafka/topics.yaml, with their partitions and config, on one replica', () => {
    const spec = parse(readFileSync(path.join(root, 'infra/kafka/topics.yaml'), 'utf8')) as TopicsFile;
    const expected = new Map<string, { partitions: number; config: Record<string, string> }>();
    for (const topic of spec.topics) {
      expected.set(topic.name, { partitions: topic.partitions, config: topic.config });
      if (topic.dlq) expected.set(`${topic.name}.dlq`, { partitions: spec.defaults.dlq.partitions, config: { ...topic.config, ...spec.defaults.dlq.config } });
    }
    const script = commandText(compose.services['kafka-topics-init']!);
    expect(script).toContain('--replication-factor 1');
    expect(script).toContain('--config min.insync.replicas=1');
    const created = new Map<string, { partitions: number; config: Record<string, string> }>();
    for (const [, name, partitions, rest] of script.matchAll(/^\s*create (\S+) (\d+)(.*)$/gm)) {
      const config = Object.fromEntries([...rest!.matchAll(/--config ([^=\s]+)=(\S+)/g)].map(([, key, value]) => [key!, value!]));
      created.set(name!, { partitions: Number(partitions), config });
    }
    expect(Object.fromEntries(created)).toEqual(Object.fromEntries(expected));
  });

  it('health-checks PostgreSQL with pg_isready and creates the proof bucket with Object Lock', () => {
    const postgres = compose.services.postgres!;
    expect(postgres.image).toMatch(/^postgres:15/);
    expect(JSON.stringify(postgres.healthcheck?.test)).toContain('pg_isready');
    const bucket = env(compose.services.api!).S3_BUCKET;
    expect(env(compose.services['minio-init']!).S3_BUCKET).toBe(bucket);
    expect(commandText(compose.services['minio-init']!)).toMatch(/mc mb --ignore-existing --with-lock "local\/\$\$S3_BUCKET"/);
  });

  it('publishes every port of every container (infrastructure included) on 127.0.0.1 only', () => {
    const published = Object.entries(compose.services).flatMap(([name, service]) => (service.ports ?? []).map((port) => ({ name, port })));
    for (const name of ['kafka', 'postgres', 'minio', 'mailpit', 'api']) expect(published.map((entry) => entry.name)).toContain(name);
    for (const { name, port } of published) expect({ name, port, host: hostAddress(port) }).toEqual({ name, port, host: '127.0.0.1' });
    expect(Object.entries(compose.services).filter(([, service]) => (service as { network_mode?: string }).network_mode === 'host')).toEqual([]);
  });

  it('writes no database or object-store password into the file: .env must provide them', () => {
    const postgres = env(compose.services.postgres!);
    const minio = env(compose.services.minio!);
    const required = (value: string | undefined) => REQUIRED_FROM_ENV.exec(value ?? '')?.[1];
    expect(required(postgres.POSTGRES_PASSWORD)).toBe('POSTGRES_PASSWORD');
    expect(required(minio.MINIO_ROOT_PASSWORD)).toBe('MINIO_ROOT_PASSWORD');
    expect(required(env(compose.services['minio-init']!).MINIO_ROOT_PASSWORD)).toBe('MINIO_ROOT_PASSWORD');
    for (const folder of [...serviceFolders, 'migrate']) {
      const vars = env(compose.services[folder]!);
      const password = /^postgres:\/\/[^:]+:(.*)@postgres:/.exec(vars.DATABASE_URL ?? '')?.[1];
      expect({ folder, database: required(password), s3: required(vars.S3_SECRET_ACCESS_KEY) }).toEqual({ folder, database: 'POSTGRES_PASSWORD', s3: 'MINIO_ROOT_PASSWORD' });
    }
    const example = readFileSync(path.join(root, '.env.example'), 'utf8');
    for (const key of ['POSTGRES_PASSWORD', 'MINIO_ROOT_PASSWORD']) expect(example).toMatch(new RegExp(`^${key}=$`, 'm'));
  });

  it('sets on each service only settings its config schema reads', () => {
    for (const [folder, schema] of Object.entries(schemas)) {
      const unread = Object.keys(env(compose.services[folder]!)).filter((key) => !(key in schema.shape));
      expect({ folder, unread }).toEqual({ folder, unread: [] });
    }
  });

  it("sends buyer mail to Mailpit's SMTP and pays and messages through the marketplace", () => {
    const notifier = env(compose.services.notifier!);
    const smtp = new URL(byDefault(notifier.SMTP_URL!));
    expect(smtp.protocol).toBe('smtp:');
    expect(smtp.hostname).toBe('mailpit');
    expect(smtp.port).toBe('1025');
    expect(compose.services.mailpit!.image).toMatch(/^axllent\/mailpit:/);
    expect(dependencies(compose.services.notifier!).mailpit).toBe('service_healthy');
    for (const folder of ['notifier', 'compensation', 'poller']) {
      const vars = env(compose.services[folder]!);
      for (const key of ['MARKETPLACE_URL', 'MARKETPLACE_APP_KEY', 'MARKETPLACE_APP_SECRET', 'MARKETPLACE_ACCESS_TOKEN', 'MARKETPLACE_SHOP_CIPHER']) {
        expect({ folder, key, set: byDefault(vars[key] ?? '') !== '' }).toEqual({ folder, key, set: true });
      }
    }
  });

  it('gives the poller a URL and credentials for every carrier, overridable from .env', () => {
    const poller = env(compose.services.poller!);
    const sandbox = env(compose.services['carrier-sandbox']!).SANDBOX_API_PORT;
    for (const provider of ['17TRACK', 'AFTERSHIP', 'USPS', 'UPS', 'FEDEX', 'DHL']) {
      const raw = poller[`CARRIER_${provider}_URL`] ?? '';
      expect(raw).toMatch(new RegExp(`^\\$\\{CARRIER_${provider}_URL:-`));
      expect(new URL(byDefault(raw)).port).toBe(sandbox);
      const credentials = Object.keys(poller).filter((key) => key.startsWith(`CARRIER_${provider}_`) && key !== `CARRIER_${provider}_URL`);
      expect({ provider, credentials: credentials.length > 0 }).toEqual({ provider, credentials: true });
    }
  });

  it('publishes every host port once', () => {
    const hostPorts = Object.values(compose.services).flatMap((service) => publishedPorts(service).map((port) => port.host));
    expect(hostPorts.length).toBeGreaterThan(serviceFolders.length);
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });
});
