import { beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse } from 'yaml';
import { TOPICS } from '@parcelwatch/contracts';

/*
 * infra/k8s cannot be applied here (no cluster), so its shape is checked: every service is its
 * own Deployment wired to the shared config and secret, probed on /healthz and /readyz, drained
 * before SIGKILL, and scaled no further than the partitions of the topics it consumes; the
 * topics Job creates exactly infra/kafka/topics.yaml; migrations run as a Job of the CLI image.
 * base is production: real carrier and marketplace hosts, credentials and senders from Secrets,
 * no carrier sandbox. overlays/demo adds the sandbox and a mail sink and points every URL at them.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const base = path.join(root, 'infra/k8s/base');
const demo = path.join(root, 'infra/k8s/overlays/demo');

interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  // The manifests' own shapes; read loosely and asserted on.
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name: string; containerPort: number }[];
  envFrom?: ({ configMapRef?: { name: string } } & { secretRef?: { name: string } })[];
  env?: { name: string; value?: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  containers: Container[];
}
interface TopicsFile {
  defaults: { replicationFactor: number; config: Record<string, string>; dlq: { partitions: number; config: Record<string, string> } };
  topics: { name: string; partitions: number; config: Record<string, string>; dlq?: boolean }[];
}

let resources: Resource[];
let listed: string[];
let serviceFolders: string[];
let topics: TopicsFile;

/** The Secrets of secret.example.yaml: name -> its keys. */
function secretExamples(): Map<string, Record<string, string>> {
  const docs = parseAllDocuments(readFileSync(path.join(base, 'secret.example.yaml'), 'utf8')).map((doc) => doc.toJS() as Resource);
  return new Map(docs.map((doc) => [doc.metadata.name, doc.stringData ?? {}]));
}

const ofKind = (kind: string) => resources.filter((r) => r.kind === kind);
const named = (kind: string, name: string) => ofKind(kind).find((r) => r.metadata.name === name);
const podSpec = (r: Resource) => (r.spec as { template: { spec: PodSpec } }).template.spec;
const partitions = (topic: string) => topics.topics.find((t) => t.name === topic)?.partitions;

beforeAll(() => {
  const kustomization = parse(readFileSync(path.join(base, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  listed = kustomization.resources;
  resources = listed.flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(base, file), 'utf8')).map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as Resource;
    }),
  ).filter((r) => r !== null);
  const servicesDir = path.join(root, 'services');
  // cli is the migrate Job's image, the carrier sandbox a test and demo double (overlays/demo).
  serviceFolders = readdirSync(servicesDir).filter(
    (name) => statSync(path.join(servicesDir, name)).isDirectory() && !name.startsWith('.') && name !== 'cli' && name !== 'carrier-sandbox',
  );
  topics = parse(readFileSync(path.join(root, 'infra/kafka/topics.yaml'), 'utf8')) as TopicsFile;
});

describe('infra/k8s/base', () => {
  it('lists every manifest in kustomization.yaml except the secret template', () => {
    const files = readdirSync(base).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...listed].sort()).toEqual(files.filter((f) => f !== 'secret.example.yaml').sort());
    expect(ofKind('Secret')).toEqual([]);
  });

  it('deploys no carrier sandbox and points no URL at one: carriers and TikTok Shop are their real hosts', () => {
    expect(named('Deployment', 'carrier-sandbox')).toBeUndefined();
    const config = named('ConfigMap', 'parcelwatch-env')!.data!;
    expect(Object.keys(config).filter((key) => /_URL$/.test(key) || /sandbox/i.test(`${key}=${config[key]}`))).toEqual([]);
  });

  it('gives the poller carrier and marketplace credentials, the notifier its senders, compensation the marketplace, from Secrets', () => {
    const secrets = secretExamples();
    const wants: Record<string, Record<string, string[]>> = {
      poller: { 'parcelwatch-carriers': ['CARRIER_17TRACK_API_KEY', 'CARRIER_AFTERSHIP_API_KEY', 'CARRIER_USPS_CLIENT_ID', 'CARRIER_USPS_CLIENT_SECRET', 'CARRIER_UPS_CLIENT_ID', 'CARRIER_UPS_CLIENT_SECRET', 'CARRIER_FEDEX_CLIENT_ID', 'CARRIER_FEDEX_CLIENT_SECRET', 'CARRIER_DHL_API_KEY'], 'parcelwatch-marketplace': ['MARKETPLACE_APP_KEY', 'MARKETPLACE_APP_SECRET', 'MARKETPLACE_ACCESS_TOKEN', 'MARKETPLACE_SHOP_CIPHER'], 'parcelwatch-secret-key': ['PARCELWATCH_SECRET_KEY'] },
      notifier: { 'parcelwatch-senders': ['SMTP_URL', 'SMS_API_URL', 'SMS_ACCOUNT_SID', 'SMS_AUTH_TOKEN', 'SMS_FROM'], 'parcelwatch-marketplace': ['MARKETPLACE_APP_KEY'] },
      compensation: { 'parcelwatch-marketplace': ['MARKETPLACE_APP_KEY', 'MARKETPLACE_APP_SECRET', 'MARKETPLACE_ACCESS_TOKEN', 'MARKETPLACE_SHOP_CIPHER'] },
      api: { 'parcelwatch-api': ['PARCELWATCH_BOOTSTRAP_ADMIN_KEY', 'WEBHOOK_SECRET_17TRACK', 'WEBHOOK_SECRET_AFTERSHIP', 'BLOB_SIGNING_SECRET'], 'parcelwatch-secret-key': ['PARCELWATCH_SECRET_KEY'] },
    };
    for (const [service, bySecret] of Object.entries(wants)) {
      const refs = podSpec(named('Deployment', service)!).containers[0]!.envFrom?.map((e) => e.secretRef?.name).filter((n) => n !== undefined) ?? [];
      for (const [secret, keys] of Object.entries(bySecret)) {
        expect({ service, secret, referenced: refs.includes(secret) }).toEqual({ service, secret, referenced: true });
        expect({ secret, missing: keys.filter((key) => !(key in (secrets.get(secret) ?? {}))) }).toEqual({ secret, missing: [] });
      }
    }
    // Every Secret a Deployment or Job reads is one secret.example.yaml explains.
    const referenced = new Set(ofKind('Deployment').concat(ofKind('Job')).flatMap((r) => podSpec(r).containers[0]!.envFrom?.map((e) => e.secretRef?.name) ?? []).filter((n) => n !== undefined));
    expect([...referenced].filter((name) => !secrets.has(name))).toEqual([]);
  });

  it('runs every folder under services/ as its own Deployment from its own image', () => {
    expect(serviceFolders.length).toBeGreaterThanOrEqual(7);
    for (const folder of serviceFolders) {
      const deployment = named('Deployment', folder);
      expect({ folder, found: deployment !== undefined }).toEqual({ folder, found: true });
      const [container] = podSpec(deployment!).containers;
      expect(container!.image).toBe(`parcelwatch/${folder}`);
      expect(container!.env?.find((e) => e.name === 'KAFKA_CLIENT_ID')?.value).toBe(folder);
      expect(named('Service', folder)).toBeDefined();
    }
  });

  it('wires each service to the shared settings and the connection secret, and probes /healthz and /readyz on PORT', () => {
    const config = named('ConfigMap', 'parcelwatch-env')!.data!;
    const secretKeys = [...secretExamples().values()].flatMap((data) => Object.keys(data));
    expect(secretKeys).toEqual(expect.arrayContaining(['KAFKA_BROKERS', 'DATABASE_URL', 'S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']));
    for (const key of secretKeys) expect(config[key]).toBeUndefined();
    expect(config.HOST).toBe('0.0.0.0');
    for (const deployment of ofKind('Deployment')) {
      const spec = podSpec(deployment);
      const container = spec.containers[0]!;
      const name = deployment.metadata.name;
      expect({ name, config: container.envFrom?.some((e) => e.configMapRef?.name === 'parcelwatch-env') }).toEqual({ name, config: true });
      expect({ name, secret: container.envFrom?.some((e) => e.secretRef?.name === 'parcelwatch-connections') }).toEqual({ name, secret: true });
      const http = container.ports?.find((p) => p.name === 'http');
      expect(String(http?.containerPort)).toBe(config.PORT);
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.resources?.requests?.cpu).toBeDefined();
      expect(container.resources?.limits?.memory).toBeDefined();
      // The lifecycle's drain deadline fires before the kubelet's SIGKILL.
      expect((spec.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(Number(config.SHUTDOWN_TIMEOUT_MS));
    }
  });

  it('scales each consumer no further than the partitions of the topics it consumes, and drains one pod at a time', () => {
    for (const hpa of ofKind('HorizontalPodAutoscaler')) {
      const name = hpa.metadata.name;
      const spec = hpa.spec as { scaleTargetRef: { name: string }; minReplicas: number; maxReplicas: number };
      const deployment = named('Deployment', spec.scaleTargetRef.name)!;
      expect(spec.scaleTargetRef.name).toBe(name);
      expect(spec.minReplicas).toBe((deployment.spec as { replicas: number }).replicas);
      expect(spec.minReplicas).toBeLessThanOrEqual(spec.maxReplicas);
      const consumes = (deployment.metadata.annotations?.['parcelwatch.dev/consumes'] ?? '').split(',').filter((t) => t !== '');
      for (const topic of consumes) {
        // A topic the contracts say this service consumes, and one that exists.
        expect({ name, topic, consumer: (TOPICS.find((t) => t.name === topic)?.consumers as readonly string[] | undefined)?.includes(name) }).toEqual({ name, topic, consumer: true });
        expect(partitions(topic)).toBeDefined();
      }
      if (consumes.length > 0) {
        const widest = Math.max(...consumes.map((t) => partitions(t)!));
        expect({ name, maxReplicasWithinPartitions: spec.maxReplicas <= widest }).toEqual({ name, maxReplicasWithinPartitions: true });
      }
      expect(named('PodDisruptionBudget', name)).toBeDefined();
    }
    for (const consumer of ['normalizer', 'detector', 'notifier', 'compensation', 'archiver']) {
      expect(named('Deployment', consumer)!.metadata.annotations?.['parcelwatch.dev/consumes']).not.toBe('');
      expect(named('HorizontalPodAutoscaler', consumer)).toBeDefined();
    }
  });

  it('creates exactly the topics of infra/kafka/topics.yaml, replicated as its defaults say', () => {
    const expected = new Map<string, { partitions: number; config: Record<string, string> }>();
    for (const topic of topics.topics) {
      expected.set(topic.name, { partitions: topic.partitions, config: topic.config });
      if (topic.dlq) expected.set(`${topic.name}.dlq`, { partitions: topics.defaults.dlq.partitions, config: { ...topic.config, ...topics.defaults.dlq.config } });
    }
    const script = podSpec(named('Job', 'parcelwatch-kafka-topics')!).containers[0]!.args!.join('\n');
    expect(script).toContain(`--replication-factor ${topics.defaults.replicationFactor}`);
    expect(script).toContain(`--config min.insync.replicas=${topics.defaults.config['min.insync.replicas']}`);
    expect(script).toContain('--if-not-exists');
    const created = new Map<string, { partitions: number; config: Record<string, string> }>();
    for (const [, name, count, rest] of script.matchAll(/^\s*create (\S+) (\d+)(.*)$/gm)) {
      const config = Object.fromEntries([...rest!.matchAll(/--config ([^=\s]+)=(\S+)/g)].map(([, key, value]) => [key!, value!]));
      created.set(name!, { partitions: Number(count), config });
    }
    expect(Object.fromEntries(created)).toEqual(Object.fromEntries(expected));
  });

  it('migrates with the CLI image, which the root Dockerfile builds with SERVICE=cli', () => {
    const migrate = podSpec(named('Job', 'parcelwatch-migrate')!).containers[0]!;
    expect(migrate.image).toBe('parcelwatch/cli');
    expect(migrate.command).toEqual(['node', 'services/cli/dist/main.js', 'migrate']);
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    // The cli image has no server: its health check passes without one.
    expect(dockerfile).toMatch(/HEALTHCHECK[^\n]*\n\s*CMD[^\n]*test \\"\$\{SERVICE\}\\" = cli \|\|/);
    const images = (parse(readFileSync(path.join(base, 'kustomization.yaml'), 'utf8')) as { images: { name: string }[] }).images.map((i) => i.name);
    const used = new Set(ofKind('Deployment').concat(ofKind('Job')).map((r) => podSpec(r).containers[0]!.image).filter((i) => i.startsWith('parcelwatch/')));
    expect([...used].sort()).toEqual([...images].sort());
  });
});

interface LabelSelector { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }
interface PolicyPeer { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: { cidr: string; except?: string[] } }
interface PolicyRule { from?: PolicyPeer[]; to?: PolicyPeer[]; ports?: { protocol?: string; port?: number | string; endPort?: number }[] }
interface PolicySpec { podSelector: LabelSelector; policyTypes: string[]; ingress?: PolicyRule[]; egress?: PolicyRule[] }

const NAME = 'app.kubernetes.io/name';
const policySpec = (r: Resource) => r.spec as unknown as PolicySpec;
const podName = (r: Resource) => (r.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels[NAME]!;

/** Whether a selector picks pods labelled `app.kubernetes.io/name: name` (the only label the manifests select on). */
function selects(selector: LabelSelector | undefined, name: string): boolean {
  if (selector === undefined) return false;
  const labels: Record<string, string> = { [NAME]: name };
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => e.operator === 'In' && e.values?.includes(labels[e.key] ?? '\u0000'));
  return byLabels && byExpressions;
}

/** The peers' workload names a selector lists (matchLabels or an In expression). */
const selectorNames = (selector: LabelSelector | undefined) => [
  ...(selector?.matchLabels?.[NAME] ? [selector.matchLabels[NAME]] : []),
  ...(selector?.matchExpressions ?? []).filter((e) => e.key === NAME && e.operator === 'In').flatMap((e) => e.values ?? []),
];

describe('infra/k8s network policies', () => {
  const policies = () => ofKind('NetworkPolicy').map((r) => ({ name: r.metadata.name, spec: policySpec(r) }));
  const workloads = () => ofKind('Deployment').concat(ofKind('Job')).map(podName);
  const applying = (name: string, type: 'Ingress' | 'Egress') => policies().filter((p) => p.spec.policyTypes.includes(type) && selects(p.spec.podSelector, name));
  const egressPorts = (name: string) =>
    applying(name, 'Egress').flatMap((p) => (p.spec.egress ?? []).flatMap((rule) => (rule.ports ?? []).map((port) => ({ port: port.port, endPort: port.endPort, to: rule.to }))));
  /** Egress to this port on any address (a managed service outside the cluster), not just to one in-cluster pod. */
  const reaches = (name: string, port: number) =>
    egressPorts(name).some((p) => typeof p.port === 'number' && p.port <= port && port <= (p.endPort ?? p.port) && (p.to === undefined || p.to.some((peer) => peer.ipBlock !== undefined)));

  it('denies ingress to every pod of the namespace by default', () => {
    expect(policies().some((p) => Object.keys(p.spec.podSelector).length === 0 && p.spec.policyTypes.includes('Ingress') && (p.spec.ingress ?? []).length === 0)).toBe(true);
  });

  it('puts every workload (Deployments and Jobs) under an egress policy, which leaves it DNS and what it needs', () => {
    expect(workloads().length).toBeGreaterThanOrEqual(9);
    for (const name of workloads()) {
      expect({ name, egressPolicies: applying(name, 'Egress').length > 0 }).toEqual({ name, egressPolicies: true });
      expect({ name, dns: egressPorts(name).some((p) => p.port === 53) }).toEqual({ name, dns: true });
    }
  });

  it('lets anyone reach the api on its port, and no other workload from anywhere', () => {
    const open = (name: string) => applying(name, 'Ingress').flatMap((p) => (p.spec.ingress ?? []).filter((rule) => rule.from === undefined));
    expect(open('api').flatMap((rule) => rule.ports?.map((port) => port.port))).toEqual(['http']);
    for (const name of workloads().filter((n) => n !== 'api')) expect({ name, open: open(name) }).toEqual({ name, open: [] });
  });

  it('lets each workload reach Kafka and PostgreSQL only when it uses them', () => {
    const kafkaUsers = ['normalizer', 'detector', 'notifier', 'compensation', 'archiver', 'parcelwatch-kafka-topics'];
    const databaseUsers = ['api', 'poller', 'normalizer', 'detector', 'notifier', 'compensation', 'archiver', 'parcelwatch-migrate'];
    for (const name of workloads()) {
      expect({ name, kafka: reaches(name, 9092), postgres: reaches(name, 5432) }).toEqual({ name, kafka: kafkaUsers.includes(name), postgres: databaseUsers.includes(name) });
    }
  });

  it('keeps the services that call merchant- or provider-given URLs off private, loopback, link-local and metadata addresses', () => {
    for (const name of ['poller', 'notifier', 'compensation']) {
      const web = egressPorts(name).filter((p) => p.port === 443 || p.port === 80);
      expect(web.length).toBeGreaterThan(0);
      for (const { to } of web) {
        expect(to).toBeDefined();
        for (const peer of to ?? []) {
          const except = peer.ipBlock?.except ?? [];
          const expected = peer.ipBlock?.cidr === '0.0.0.0/0' ? ['10.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'] : ['::1/128', 'fc00::/7', 'fe80::/10'];
          expect({ name, peer: peer.ipBlock?.cidr, missing: expected.filter((cidr) => !except.includes(cidr)) }).toEqual({ name, peer: peer.ipBlock?.cidr, missing: [] });
        }
      }
    }
  });

  it('lets only parcelwatch workloads (and their own peers) into an in-namespace Kafka or PostgreSQL', () => {
    for (const [store, peers] of [['kafka', 'kafka'], ['postgresql', 'postgresql']] as const) {
      const rules = applying(store, 'Ingress').flatMap((p) => p.spec.ingress ?? []);
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        expect(rule.from).toBeDefined();
        for (const peer of rule.from ?? []) {
          expect(peer.namespaceSelector).toBeUndefined();
          expect(peer.ipBlock).toBeUndefined();
          expect(selectorNames(peer.podSelector).filter((name) => name !== peers && !workloads().includes(name))).toEqual([]);
        }
      }
    }
  });
});

describe('infra/k8s/overlays/demo', () => {
  const overlay = () => parse(readFileSync(path.join(demo, 'kustomization.yaml'), 'utf8')) as {
    resources: string[];
    patches: { path: string }[];
    secretGenerator: { name: string; literals: string[] }[];
  };
  const documents = (file: string) => parseAllDocuments(readFileSync(path.join(demo, file), 'utf8')).map((doc) => doc.toJS() as Resource);

  it('is production plus the carrier sandbox (one replica: its journeys live in memory) and a mail sink', () => {
    const kustomization = overlay();
    expect(kustomization.resources).toEqual(expect.arrayContaining(['../../base', 'carrier-sandbox.yaml', 'mailpit.yaml']));
    const sandbox = documents('carrier-sandbox.yaml').find((r) => r.kind === 'Deployment')!;
    expect((sandbox.spec as { replicas: number }).replicas).toBe(1);
    expect(podSpec(sandbox).containers[0]!.image).toBe('parcelwatch/carrier-sandbox');
  });

  it('lets only the services that use them reach the sandbox and Mailpit, past the default deny', () => {
    const policies = documents('network-policies.yaml').map((r) => policySpec(r));
    const into = (name: string) => policies.filter((p) => p.policyTypes.includes('Ingress') && selects(p.podSelector, name)).flatMap((p) => p.ingress ?? []);
    expect(overlay().resources).toContain('network-policies.yaml');
    expect(into('carrier-sandbox').flatMap((rule) => rule.from?.flatMap((peer) => selectorNames(peer.podSelector)) ?? ['anyone']).sort()).toEqual(['api', 'compensation', 'notifier', 'poller']);
    expect(into('mailpit').flatMap((rule) => rule.from?.flatMap((peer) => selectorNames(peer.podSelector)) ?? ['anyone'])).toEqual(['notifier']);
  });

  it("points every carrier and the marketplace at the sandbox's carrier API, and mail at Mailpit", () => {
    const sandboxPort = podSpec(documents('carrier-sandbox.yaml').find((r) => r.kind === 'Deployment')!).containers[0]!.ports!.find((p) => p.name === 'carrier-api')!.containerPort;
    const patch = overlay().patches.flatMap((p) => documents(p.path)).find((r) => r.kind === 'ConfigMap' && r.metadata.name === 'parcelwatch-env')!;
    for (const key of ['CARRIER_17TRACK_URL', 'CARRIER_AFTERSHIP_URL', 'CARRIER_USPS_URL', 'CARRIER_UPS_URL', 'CARRIER_FEDEX_URL', 'CARRIER_DHL_URL', 'MARKETPLACE_URL']) {
      const url = new URL(patch.data![key]!);
      expect({ key, host: url.hostname, port: url.port }).toEqual({ key, host: 'carrier-sandbox', port: String(sandboxPort) });
    }
    const senders = overlay().secretGenerator.find((g) => g.name === 'parcelwatch-senders')!;
    const smtp = new URL(senders.literals.find((l) => l.startsWith('SMTP_URL='))!.slice('SMTP_URL='.length));
    const mailpit = documents('mailpit.yaml').find((r) => r.kind === 'Service')!;
    expect(smtp.hostname).toBe(mailpit.metadata.name);
    expect((mailpit.spec as { ports: { name: string; port: number }[] }).ports.find((p) => p.name === 'smtp')!.port).toBe(Number(smtp.port));
    // Every Secret production reads is generated here, with the sandbox's own credentials.
    const generated = new Set(overlay().secretGenerator.map((g) => g.name));
    for (const name of ['parcelwatch-carriers', 'parcelwatch-marketplace', 'parcelwatch-senders', 'parcelwatch-api', 'parcelwatch-secret-key']) expect(generated).toContain(name);
  });
});
