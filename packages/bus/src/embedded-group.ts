import { tpKey, type EmbeddedTopic, type PartitionLog, type TopicPartitionKey } from './embedded-log.js';

export interface GroupMember {
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
}

/**
 * A consumer group of the embedded bus: committed offsets in memory, partitions spread over
 * the members in join order, and at most one member working on a partition at a time (as a
 * Kafka group guarantees within a generation).
 */
export class EmbeddedGroup {
  private readonly committed = new Map<TopicPartitionKey, number>();
  private readonly busy = new Set<TopicPartitionKey>();
  private readonly members: GroupMember[] = [];
  private cursor = 0;
  /** Every topic a member has read: its messages count as this group's work until committed. */
  private readonly topicsRead = new Set<string>();

  constructor(
    readonly id: string,
    private readonly topicOf: (name: string) => EmbeddedTopic,
  ) {}

  join(member: GroupMember): void {
    this.members.push(member);
    for (const name of member.topics) {
      this.topicsRead.add(name);
      for (const log of this.topicOf(name).partitions) {
        const key = tpKey(log.topic, log.partition);
        if (!this.committed.has(key)) this.committed.set(key, member.fromBeginning ? log.start : log.end);
      }
    }
  }

  leave(member: GroupMember): void {
    const index = this.members.indexOf(member);
    if (index >= 0) this.members.splice(index, 1);
  }

  /** Topics any member of the group reads: their messages must be kept until committed here. */
  subscribedTopics(): Set<string> {
    return new Set(this.members.flatMap((m) => m.topics));
  }

  committedOffset(log: PartitionLog): number {
    const offset = this.committed.get(tpKey(log.topic, log.partition)) ?? log.start;
    // A lagging group whose next message was trimmed resumes at the oldest one kept.
    return Math.max(offset, log.start);
  }

  hasCommitted(topic: string): boolean {
    for (const key of this.committed.keys()) if (key.startsWith(`${topic}#`)) return true;
    return false;
  }

  /**
   * A partition assigned to `member` with messages past the committed offset that no one is
   * working on, marked busy; undefined when there is none. Partitions are tried round-robin
   * so one busy partition does not starve the others.
   */
  claim(member: GroupMember): PartitionLog | undefined {
    const owned = this.assigned(member);
    for (let i = 0; i < owned.length; i += 1) {
      const log = owned[(this.cursor + i) % owned.length]!;
      const key = tpKey(log.topic, log.partition);
      if (this.busy.has(key) || this.committedOffset(log) >= log.end) continue;
      this.cursor = (this.cursor + i + 1) % owned.length;
      this.busy.add(key);
      return log;
    }
    return undefined;
  }

  /**
   * No chunk in hand and everything on the topics the group has read committed. A group whose
   * consumer halted (and left) still counts what it has not read, so a halt is never "done".
   */
  caughtUp(): boolean {
    if (this.busy.size > 0) return false;
    for (const name of this.topicsRead) {
      for (const log of this.topicOf(name).partitions) if (this.committedOffset(log) < log.end) return false;
    }
    return true;
  }

  release(log: PartitionLog): void {
    this.busy.delete(tpKey(log.topic, log.partition));
  }

  commit(log: PartitionLog, nextOffset: number): void {
    const key = tpKey(log.topic, log.partition);
    if (nextOffset > (this.committed.get(key) ?? 0)) this.committed.set(key, nextOffset);
  }

  private assigned(member: GroupMember): PartitionLog[] {
    const index = this.members.indexOf(member);
    if (index < 0) return [];
    const all = [...this.subscribedTopics()].sort().flatMap((name) => this.topicOf(name).partitions);
    return all.filter((_, i) => i % this.members.length === index);
  }
}
