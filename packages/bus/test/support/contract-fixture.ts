import { createEnvelope, type Envelope } from '@parcelwatch/contracts';
import type { BusConsumer, EventBus, SubscribeOptions, TopicSpecInput } from '../../src/index.js';
import type { Db } from './effects.js';

export interface TestDatabase {
  db: Db;
  /** For consumers in another process. */
  url?: string;
  close(): Promise<void>;
}

export interface DoomedConsumerOptions {
  topic: string;
  groupId: string;
  database: TestDatabase;
  maxBatchSize: number;
  /** The consumer commits this chunk's database transaction, then hangs before committing offsets. */
  hangOnChunk: number;
}

export interface DoomedConsumer {
  /** Resolves, with the ids of the chunk it hangs in, once that chunk's transaction committed. */
  hanging: Promise<string[]>;
  /** Ends the consumer abruptly: no offset commit, no leaving the group. */
  kill(): Promise<void>;
}

export interface BusContractFixture {
  bus: EventBus;
  topic(base: string): string;
  createTopics(specs: TopicSpecInput[]): Promise<void>;
  /** A fresh, migrated database. */
  database(): Promise<TestDatabase>;
  startDoomedConsumer(options: DoomedConsumerOptions): Promise<DoomedConsumer>;
  /** Deadline for each wait inside a test. */
  waitTimeoutMs: number;
  dispose(): Promise<void>;
}

/** Builds the events of these tests: `seq` counts per shipment (the key). */
export function sequenced(shipmentId: string, seq: number, extra: Record<string, unknown> = {}): Envelope<{ seq: number }> {
  return createEnvelope({
    type: 'parcelwatch.test.sequenced.v1',
    source: 'parcelwatch/bus-contract',
    subject: shipmentId,
    merchantid: 'merchant-contract',
    data: { seq, ...extra },
  });
}

export interface ContractContext {
  fixture: () => BusContractFixture;
  /** Subscribes and starts; the consumer is stopped after the test. */
  consume<T = Envelope>(options: SubscribeOptions<T>): Promise<BusConsumer>;
  group(base: string): string;
}
