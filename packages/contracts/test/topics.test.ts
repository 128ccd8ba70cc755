import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { TOPICS, TOPIC, TOPIC_NAMES, dlqTopic, kafkaTopicsToCreate, topicOfEventType, topicsFileSchema } from '../src/index.js';
import type { TopicsFile } from '../src/index.js';

const TOPICS_YAML = path.join(import.meta.dirname, '..', '..', '..', 'infra', 'kafka', 'topics.yaml');

async function loadTopicsFile(): Promise<TopicsFile> {
  return topicsFileSchema.parse(parse(await readFile(TOPICS_YAML, 'utf8')));
}

describe('topic registry', () => {
  it('matches ARCHITECTURE.md', () => {
    expect(TOPIC_NAMES).toEqual([
      'shipments',
      'tracking.snapshots',
      'shipment.events',
      'shipment.exceptions',
      'shipment.delays',
      'notifications',
      'compensations',
      'proofs',
    ]);
    expect(Object.values(TOPIC).sort()).toEqual([...TOPIC_NAMES].sort());
    expect(TOPICS.every((topic) => topic.key === 'shipment id' && topic.consumers.length > 0)).toBe(true);
    expect(topicOfEventType('parcelwatch.shipment.delay.detected.v1')).toBe('shipment.delays');
  });

  it('names dead-letter topics', () => {
    expect(dlqTopic('tracking.snapshots')).toBe('tracking.snapshots.dlq');
  });
});

describe('infra/kafka/topics.yaml', () => {
  it('lists exactly the registry topics, each with a DLQ', async () => {
    const file = await loadTopicsFile();
    expect(file.topics.map((topic) => topic.name).sort()).toEqual([...TOPIC_NAMES].sort());
    // every registry topic has consumers, so every one needs a DLQ
    expect(file.topics.filter((topic) => !topic.dlq)).toEqual([]);
  });

  it('keeps snapshots and DLQs longer than the lifecycle topics', async () => {
    const file = await loadTopicsFile();
    const retention = (name: string) => Number(file.topics.find((topic) => topic.name === name)?.config['retention.ms']);
    expect(retention('tracking.snapshots')).toBeGreaterThan(retention('shipment.events'));
    expect(Number(file.defaults.dlq.config['retention.ms'])).toBeGreaterThanOrEqual(retention('tracking.snapshots'));
    for (const topic of file.topics) expect(topic.config['cleanup.policy']).toBe('delete');
  });

  it('expands to main and DLQ topics, capping replication for a 1-broker cluster', async () => {
    const topics = kafkaTopicsToCreate(await loadTopicsFile(), 1);
    expect(topics).toHaveLength(TOPIC_NAMES.length * 2);
    const snapshotsDlq = topics.find((topic) => topic.name === 'tracking.snapshots.dlq');
    expect(snapshotsDlq).toEqual({
      name: 'tracking.snapshots.dlq',
      partitions: 3,
      replicationFactor: 1,
      config: {
        'min.insync.replicas': '1',
        'retention.ms': '7776000000',
        'cleanup.policy': 'delete',
        'max.message.bytes': '4194304',
      },
    });
    const full = kafkaTopicsToCreate(await loadTopicsFile());
    expect(full.find((topic) => topic.name === 'shipment.events')).toMatchObject({
      partitions: 12,
      replicationFactor: 3,
      config: { 'min.insync.replicas': '2' },
    });
  });
});
