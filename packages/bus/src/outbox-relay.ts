import { claimOutboxBatch, markOutboxPublished, tryLockOutboxRelay, type OutboxMessage } from '@parcelwatch/db';
import type { Envelope } from '@parcelwatch/contracts';
import { createLogger, type Logger } from '@parcelwatch/logger';
import type { TransactionalDb } from './db-types.js';
import type { EventBus, OutgoingRecord } from './event-bus.js';
import { envelopeHeaders } from './outgoing-records.js';
import { onOutboxCommitted } from './outbox-commits.js';
import { restartDelay } from './retry-policy.js';

export interface OutboxRelayOptions {
  db: TransactionalDb;
  bus: Pick<EventBus, 'send'>;
  logger?: Logger;
  /** Rows per claim (and per publish, split by the bus into requests of its size). Default 1,000. */
  batchSize?: number;
  /**
   * How long to sleep when the outbox is empty; `wake()` cuts it short, as does every commit in
   * this process that enqueued rows (`createIdempotentHandler`, `transactionWithOutbox`). Default 500 ms.
   */
  pollIntervalMs?: number;
  /** Backoff after a failed round, doubling up to the max. */
  backoff?: { minDelayMs?: number; maxDelayMs?: number };
  /**
   * Runs after the rows were published and before they are marked sent. Tests throw here to
   * simulate a crash in that window; leave unset in production.
   */
  afterPublish?: (rows: readonly OutboxMessage[]) => Promise<void> | void;
  /**
   * On a bus whose hand-over is durable only once processed (the embedded bus): most rows handed
   * over and not yet processed; the relay waits for acknowledgements past it. Default 10,000.
   */
  maxInFlight?: number;
}

/** A bus that tells when handed-over records are processed: the embedded bus, which keeps them in memory only. */
export interface AcknowledgingBus {
  /** Resolves once appended (it may wait for room, until `signal` aborts); `processed` once every reader committed past them. */
  handOver(records: readonly OutgoingRecord[], signal?: AbortSignal): Promise<{ processed: Promise<void> }>;
}

function acknowledging(bus: Pick<EventBus, 'send'>): AcknowledgingBus | undefined {
  return typeof (bus as Partial<AcknowledgingBus>).handOver === 'function' ? (bus as unknown as AcknowledgingBus) : undefined;
}

/** Bytes of values per produce request: under Kafka's default 1 MiB per record batch, whatever the partitioning. */
const MAX_PUBLISH_BYTES = 512 * 1024;

/** How soon a relay that found the lock taken looks again. */
const LOCK_BUSY_RETRY_MS = 50;

/** The last claim-and-hand-over of each bus: the next one waits for it. */
const turns = new WeakMap<object, Promise<void>>();

/** Outbox ids handed over to a bus and not yet marked, per bus: shared by every relay on that bus. */
const inFlightByBus = new WeakMap<object, Set<number>>();

function inFlightOf(bus: object): Set<number> {
  let ids = inFlightByBus.get(bus);
  if (!ids) {
    ids = new Set();
    inFlightByBus.set(bus, ids);
  }
  return ids;
}

/**
 * Publishes committed outbox rows. Each round, in one transaction: take the relay lock, claim
 * the oldest unpublished rows (FOR UPDATE SKIP LOCKED), publish them and wait for the acks,
 * mark them published, commit.
 *
 * Delivery is at-least-once. If the relay dies after the broker acknowledged but before the
 * transaction commits, the rows stay unpublished and the next round publishes them again.
 * That duplicate carries the same envelope id (the id is written into the row, never made up at
 * publish time), so consumers dedupe it in processed_messages (`createIdempotentHandler`).
 *
 * On the embedded bus the messages live in this process's memory only, so a broker ack means
 * nothing: there the relay claims rows (skipping those in flight), hands them over outside the
 * transaction (the bus may make it wait for room: backpressure), and marks them published only
 * once every group reading their topic has processed them. Rows of a process that died are
 * still unpublished and are handed over again after the restart; consumers dedupe them.
 */
export class OutboxRelay {
  private readonly logger: Logger;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxInFlight: number;
  private running: Promise<void> | undefined;
  private stopping = false;
  private failures = 0;
  private wakeUp: (() => void) | undefined;
  private wakeRequested = false;
  private unsubscribe: (() => void) | undefined;
  private stopSignal = new AbortController();
  /** The last round found another relay publishing (the advisory lock taken). */
  private lockBusy = false;

  constructor(private readonly options: OutboxRelayOptions) {
    this.logger = options.logger ?? createLogger({ name: 'outbox-relay' });
    // Large rounds: one claim, one produce request and one update carry a whole backlog.
    this.batchSize = options.batchSize ?? 1_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.minDelayMs = options.backoff?.minDelayMs ?? 200;
    this.maxDelayMs = options.backoff?.maxDelayMs ?? 30_000;
    this.maxInFlight = options.maxInFlight ?? 10_000;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.stopSignal = new AbortController();
    this.unsubscribe = onOutboxCommitted(() => this.wake());
    this.running = this.loop();
  }

  /** Finishes the round in progress (its transaction commits or rolls back), then returns. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopSignal.abort();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.wake();
    await this.running;
    this.running = undefined;
  }

  /** Call after committing a transaction that enqueued rows, to publish them without waiting for the poll. */
  wake(): void {
    this.wakeRequested = true;
    this.wakeUp?.();
  }

  /** Unhealthy after three failed rounds in a row (broker or database unreachable). */
  isHealthy(): boolean {
    return this.running !== undefined && this.failures < 3;
  }

  /** One round; returns how many rows were published (handed over, on an acknowledging bus). */
  async relayOnce(): Promise<number> {
    const tracked = acknowledging(this.options.bus);
    if (tracked) return this.handOverOnce(tracked);
    return this.options.db.transaction().execute(async (trx) => {
      this.lockBusy = !(await tryLockOutboxRelay(trx));
      if (this.lockBusy) return 0;
      const rows = await claimOutboxBatch(trx, this.batchSize);
      if (rows.length === 0) return 0;
      // In order, a request at a time: a large round must not become one record batch over the
      // broker's size limit (snapshots carry whole carrier responses).
      for (const records of bySize(rows.map(toRecord), MAX_PUBLISH_BYTES)) await this.options.bus.send(records);
      await this.options.afterPublish?.(rows);
      await markOutboxPublished(
        trx,
        rows.map((row) => row.id),
      );
      return rows.length;
    });
  }

  /** One claim and hand-over at a time per bus, so two relays of one process keep a shipment's order. */
  private handOverOnce(bus: AcknowledgingBus): Promise<number> {
    const previous = turns.get(bus) ?? Promise.resolve();
    const turn = previous.then(() => this.handOverTurn(bus));
    turns.set(
      bus,
      turn.then(
        () => undefined,
        () => undefined,
      ),
    );
    return turn;
  }

  private async handOverTurn(bus: AcknowledgingBus): Promise<number> {
    const inFlight = inFlightOf(bus);
    if (inFlight.size >= this.maxInFlight) return 0;
    const ids: number[] = [];
    const release = () => {
      for (const id of ids) inFlight.delete(id);
      this.wake();
    };
    try {
      const rows = await this.options.db.transaction().execute(async (trx) => {
        if (!(await tryLockOutboxRelay(trx))) return [];
        const claimed = await claimOutboxBatch(trx, Math.min(this.batchSize, this.maxInFlight - inFlight.size), [...inFlight]);
        // In flight before the lock goes: no other relay of this bus can claim them again.
        for (const row of claimed) {
          inFlight.add(row.id);
          ids.push(row.id);
        }
        return claimed;
      });
      if (rows.length === 0) return 0;
      const { processed } = await bus.handOver(rows.map(toRecord), this.stopSignal.signal);
      await this.options.afterPublish?.(rows);
      processed
        .then(() => this.options.db.transaction().execute((trx) => markOutboxPublished(trx, ids)))
        .catch((err: unknown) => this.logger.warn({ err, rows: ids.length }, 'handed-over outbox rows not marked published; they are handed over again'))
        .finally(release);
      return rows.length;
    } catch (err) {
      release();
      throw err;
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let published = 0;
      try {
        published = await this.relayOnce();
        this.failures = 0;
      } catch (err) {
        this.failures += 1;
        const delay = restartDelay(this.failures - 1, this.minDelayMs, this.maxDelayMs);
        this.logger.error({ err, failures: this.failures, retryInMs: delay }, 'outbox relay round failed; rows stay unpublished and are retried');
        await this.sleep(delay, false);
        continue;
      }
      // A full batch means more is waiting: go again at once. Another relay (often in another
      // process) holding the lock may have claimed its rows before ours committed: look again
      // soon rather than a whole poll later.
      if (published < this.batchSize) await this.sleep(this.lockBusy ? Math.min(LOCK_BUSY_RETRY_MS, this.pollIntervalMs) : this.pollIntervalMs, true);
    }
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopping) return Promise.resolve();
    if (wakeable && this.wakeRequested) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.wakeRequested = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = () => {
        if (wakeable || this.stopping) done();
      };
    });
  }
}

/** Consecutive runs of records whose values add up to at most `maxBytes` (a larger record goes alone). */
function bySize(records: readonly OutgoingRecord[], maxBytes: number): OutgoingRecord[][] {
  const chunks: OutgoingRecord[][] = [];
  let current: OutgoingRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = Buffer.byteLength(record.value);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function toRecord(row: OutboxMessage): OutgoingRecord {
  const event = row.event as Partial<Envelope>;
  const routing = typeof event?.id === 'string' && typeof event.type === 'string' ? envelopeHeaders(event as Envelope) : {};
  return { topic: row.topic, key: row.key, value: JSON.stringify(row.event), headers: { ...routing, ...row.headers } };
}
