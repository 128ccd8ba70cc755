import type { RawMessage } from './event-bus.js';

/** FNV-1a: stable across runs, so a key always lands on the same partition (per-key order). */
export function partitionForKey(key: string | null, partitions: number, fallback: number): number {
  if (key === null) return fallback % partitions;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

export interface StoredMessage {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

/**
 * One partition of an in-memory topic. Offsets are absolute and never reused; `base` moves up
 * when old messages are trimmed, so memory stays bounded (see `trimBelow`).
 */
export class PartitionLog {
  private base = 0;
  private readonly messages: StoredMessage[] = [];

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  get start(): number {
    return this.base;
  }

  get end(): number {
    return this.base + this.messages.length;
  }

  get size(): number {
    return this.messages.length;
  }

  append(message: StoredMessage): number {
    this.messages.push(message);
    return this.end - 1;
  }

  read(from: number, max: number): RawMessage[] {
    const first = Math.max(from, this.base);
    const slice = this.messages.slice(first - this.base, first - this.base + max);
    return slice.map((m, i) => ({
      topic: this.topic,
      partition: this.partition,
      offset: String(first + i),
      key: m.key,
      value: m.value,
      headers: { ...m.headers },
      timestamp: m.timestamp,
    }));
  }

  /** Forgets every message below `offset`. */
  trimBelow(offset: number): number {
    const count = Math.min(Math.max(0, offset - this.base), this.messages.length);
    if (count > 0) {
      this.messages.splice(0, count);
      this.base += count;
    }
    return count;
  }
}

export class EmbeddedTopic {
  readonly partitions: PartitionLog[];
  private roundRobin = 0;

  constructor(
    readonly name: string,
    partitionCount: number,
  ) {
    this.partitions = Array.from({ length: partitionCount }, (_, p) => new PartitionLog(name, p));
  }

  append(key: string | null, value: Buffer | null, headers: Record<string, string>): PartitionLog {
    const log = this.partitionFor(key);
    this.advanceRoundRobin();
    log.append({ key, value, headers: { ...headers }, timestamp: String(Date.now()) });
    return log;
  }

  /** Where the next message with this key goes (a keyless one: the next in turn). */
  partitionFor(key: string | null): PartitionLog {
    return this.partitions[partitionForKey(key, this.partitions.length, this.roundRobin)]!;
  }

  advanceRoundRobin(): void {
    this.roundRobin += 1;
  }

  /** Kafka can add partitions but never remove them; neither can we. */
  grow(partitionCount: number): void {
    for (let p = this.partitions.length; p < partitionCount; p += 1) this.partitions.push(new PartitionLog(this.name, p));
  }
}

export type TopicPartitionKey = `${string}#${number}`;

export function tpKey(topic: string, partition: number): TopicPartitionKey {
  return `${topic}#${partition}`;
}
