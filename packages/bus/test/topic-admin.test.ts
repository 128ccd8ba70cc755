import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { kafkaTopicsToCreate } from '@parcelwatch/contracts';
import { loadTopicsFile, planTopics } from '../src/index.js';

const TOPICS_FILE = path.resolve(import.meta.dirname, '../../../infra/kafka/topics.yaml');

describe('planTopics', () => {
  it('caps replication and min.insync.replicas to a 1-broker cluster and adds the DLQ', () => {
    const planned = planTopics(
      [{ name: 'shipments-x', partitions: 6, replicationFactor: 3, config: { 'min.insync.replicas': '2', 'retention.ms': '1000' }, dlq: true }],
      1,
    );
    expect(planned).toEqual([
      { name: 'shipments-x', partitions: 6, replicationFactor: 1, config: { 'min.insync.replicas': '1', 'retention.ms': '1000' } },
      { name: 'shipments-x.dlq', partitions: 6, replicationFactor: 1, config: { 'min.insync.replicas': '1', 'retention.ms': '1000' } },
    ]);
  });

  it('keeps a production-sized cluster as specified and lets the DLQ override partitions and config', () => {
    const planned = planTopics(
      [{ name: 'a', partitions: 12, replicationFactor: 3, config: { 'min.insync.replicas': '2' }, dlq: { partitions: 3, config: { 'retention.ms': '9' } } }],
      5,
    );
    expect(planned[0]).toEqual({ name: 'a', partitions: 12, replicationFactor: 3, config: { 'min.insync.replicas': '2' } });
    expect(planned[1]).toEqual({ name: 'a.dlq', partitions: 3, replicationFactor: 3, config: { 'min.insync.replicas': '2', 'retention.ms': '9' } });
  });

  it('creates no DLQ unless asked', () => {
    expect(planTopics([{ name: 'plain', partitions: 1 }], 3).map((topic) => topic.name)).toEqual(['plain']);
  });
});

describe('loadTopicsFile', () => {
  it('reads infra/kafka/topics.yaml: every topic with its DLQ, fit for one broker', async () => {
    const file = await loadTopicsFile(TOPICS_FILE);
    const topics = kafkaTopicsToCreate(file, 1);
    const names = topics.map((topic) => topic.name);
    expect(names).toContain('shipments');
    expect(names).toContain('shipments.dlq');
    for (const topic of topics) {
      expect(topic.replicationFactor).toBe(1);
      expect(Number(topic.config['min.insync.replicas'] ?? '1')).toBeLessThanOrEqual(1);
    }
  });

  it('refuses a malformed file with the offending path', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'topics-'));
    const bad = path.join(dir, 'topics.yaml');
    await writeFile(bad, 'defaults: { replicationFactor: 0 }\ntopics: []\n');
    await expect(loadTopicsFile(bad)).rejects.toThrow(/invalid topics file .*replicationFactor/);
  });
});
