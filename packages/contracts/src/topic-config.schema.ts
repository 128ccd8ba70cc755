import { z } from 'zod';
import { dlqTopic } from './topics.js';

/**
 * The format of infra/kafka/topics.yaml, for the topic admin (packages/bus) and the tests.
 * Parsing the YAML text is the caller's job (this package does no I/O); pass the parsed value.
 */
const kafkaConfigSchema = z.record(z.string(), z.string());

export const topicsFileSchema = z.object({
  defaults: z.object({
    replicationFactor: z.int().min(1),
    config: kafkaConfigSchema,
    dlq: z.object({ partitions: z.int().min(1), config: kafkaConfigSchema }),
  }),
  topics: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z][a-z0-9._-]*$/),
        partitions: z.int().min(1),
        config: kafkaConfigSchema,
        dlq: z.boolean(),
      }),
    )
    .min(1),
});
export type TopicsFile = z.infer<typeof topicsFileSchema>;

export interface KafkaTopicToCreate {
  name: string;
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
}

/**
 * Every topic to create, DLQs included. A DLQ gets the defaults' DLQ partitions, and its
 * topic's config overlaid with the DLQ config (retention), so size limits carry over.
 * `maxReplication` caps replication and min.insync.replicas for a small (1-broker) cluster.
 */
export function kafkaTopicsToCreate(file: TopicsFile, maxReplication = Number.POSITIVE_INFINITY): KafkaTopicToCreate[] {
  const replicationFactor = Math.min(file.defaults.replicationFactor, maxReplication);
  const withDefaults = (config: Record<string, string>): Record<string, string> => {
    const merged = { ...file.defaults.config, ...config };
    const minIsr = merged['min.insync.replicas'];
    if (minIsr !== undefined && Number(minIsr) > replicationFactor) merged['min.insync.replicas'] = String(replicationFactor);
    return merged;
  };
  return file.topics.flatMap((topic) => {
    const main = { name: topic.name, partitions: topic.partitions, replicationFactor, config: withDefaults(topic.config) };
    if (!topic.dlq) return [main];
    const dlq = {
      name: dlqTopic(topic.name),
      partitions: file.defaults.dlq.partitions,
      replicationFactor,
      config: withDefaults({ ...topic.config, ...file.defaults.dlq.config }),
    };
    return [main, dlq];
  });
}
