import { readFile } from 'node:fs/promises';
import type { Admin, Kafka } from 'kafkajs';
import { parse as parseYaml } from 'yaml';
import { kafkaTopicsToCreate, topicsFileSchema, type KafkaTopicToCreate, type TopicsFile } from '@parcelwatch/contracts';
import type { Logger } from '@parcelwatch/logger';
import { deadLetterTopic } from './dead-letter.js';

/** An ad-hoc topic (tests, tools); infra/kafka/topics.yaml is the source for the real ones. */
export interface TopicSpecInput {
  name: string;
  partitions: number;
  replicationFactor?: number;
  config?: Record<string, string>;
  /** Also create `<name>.dlq`, by default with the same partitions and config. */
  dlq?: boolean | { partitions?: number; config?: Record<string, string> };
}

/** Reads and validates a topics file in the infra/kafka/topics.yaml format. */
export async function loadTopicsFile(path: string): Promise<TopicsFile> {
  const parsed = topicsFileSchema.safeParse(parseYaml(await readFile(path, 'utf8')));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid topics file ${path}: ${issues}`);
  }
  return parsed.data;
}

/**
 * Expands DLQs and caps replication to the brokers there are: a 1-broker dev cluster cannot
 * hold 3 replicas, and min.insync.replicas above the replication factor would refuse every
 * acks=all write.
 */
export function planTopics(specs: readonly TopicSpecInput[], brokerCount: number): KafkaTopicToCreate[] {
  return specs.flatMap((spec) => {
    const replicationFactor = Math.min(spec.replicationFactor ?? 3, brokerCount);
    const capped = (config: Record<string, string>): Record<string, string> => {
      const minIsr = config['min.insync.replicas'];
      return minIsr !== undefined && Number(minIsr) > replicationFactor
        ? { ...config, 'min.insync.replicas': String(replicationFactor) }
        : config;
    };
    const main = { name: spec.name, partitions: spec.partitions, replicationFactor, config: capped(spec.config ?? {}) };
    if (!spec.dlq) return [main];
    const dlq = spec.dlq === true ? {} : spec.dlq;
    return [
      main,
      {
        name: deadLetterTopic(spec.name),
        partitions: dlq.partitions ?? spec.partitions,
        replicationFactor,
        config: capped({ ...spec.config, ...dlq.config }),
      },
    ];
  });
}

export interface EnsureTopicsResult {
  created: string[];
  existing: string[];
}

/**
 * Creates missing topics. Existing topics are left alone, even with fewer partitions than
 * asked: adding partitions remaps keys, which would break per-shipment order for events in
 * flight, so that stays a deliberate operation.
 */
export class TopicAdmin {
  private readonly admin: Admin;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly logger: Logger,
  ) {
    this.admin = kafka.admin();
  }

  async ensureTopics(specs: readonly TopicSpecInput[]): Promise<EnsureTopicsResult> {
    const brokers = await this.brokerCount();
    return this.create(planTopics(specs, brokers));
  }

  /** The topics of a topics.yaml, DLQs included, capped to the cluster's size. */
  async ensureTopicsFromFile(path: string): Promise<EnsureTopicsResult> {
    const file = await loadTopicsFile(path);
    const brokers = await this.brokerCount();
    return this.create(kafkaTopicsToCreate(file, brokers));
  }

  async disconnect(): Promise<void> {
    if (this.connected) await this.admin.disconnect();
    this.connected = false;
  }

  private async connect(): Promise<Admin> {
    if (!this.connected) {
      await this.admin.connect();
      this.connected = true;
    }
    return this.admin;
  }

  private async brokerCount(): Promise<number> {
    const admin = await this.connect();
    const cluster = await admin.describeCluster();
    return Math.max(1, cluster.brokers.length);
  }

  private async create(topics: readonly KafkaTopicToCreate[]): Promise<EnsureTopicsResult> {
    const admin = await this.connect();
    const present = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !present.has(topic.name));
    const existing = topics.filter((topic) => present.has(topic.name)).map((topic) => topic.name);
    if (missing.length > 0) {
      // Not kafkajs's waitForLeaders: it gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft
      // broker answers under load while the new topic's metadata is still propagating.
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: topic.replicationFactor,
          configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
        })),
      });
      await this.waitForLeaders(missing.map((topic) => topic.name));
      this.logger.info({ topics: missing.map((topic) => topic.name) }, 'kafka topics created');
    }
    if (existing.length > 0) await this.warnOnFewerPartitions(topics.filter((topic) => present.has(topic.name)));
    return { created: missing.map((topic) => topic.name), existing };
  }

  /** Until every partition of `names` has a leader; metadata errors in the meantime are expected. */
  private async waitForLeaders(names: readonly string[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let delayMs = 50; ; delayMs = Math.min(delayMs * 2, 1_000)) {
      let lastError: unknown = null;
      try {
        const metadata = await this.admin.fetchTopicMetadata({ topics: [...names] });
        const ready = metadata.topics.length === names.length && metadata.topics.every((topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0));
        if (ready) return;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() > deadline) {
        throw new Error(`kafka topics ${names.join(', ')} have no leader after ${timeoutMs} ms`, { cause: lastError ?? undefined });
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }

  private async warnOnFewerPartitions(topics: readonly KafkaTopicToCreate[]): Promise<void> {
    const metadata = await this.admin.fetchTopicMetadata({ topics: topics.map((topic) => topic.name) });
    for (const found of metadata.topics) {
      const wanted = topics.find((topic) => topic.name === found.name)?.partitions ?? 0;
      if (found.partitions.length < wanted) {
        this.logger.warn({ topic: found.name, partitions: found.partitions.length, wanted }, 'existing topic has fewer partitions than its spec; not changed');
      }
    }
  }
}
