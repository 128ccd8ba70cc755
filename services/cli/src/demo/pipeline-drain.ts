import { setTimeout as pause } from 'node:timers/promises';
import { TOPIC } from '@parcelwatch/contracts';
import { EmbeddedBus } from '@parcelwatch/bus';
import { countUnprocessedOutbox, maxOutboxId, type Database, type OutboxReader } from '@parcelwatch/db';
import type { Kysely } from 'kysely';
import type { DemoParts } from '../service-stack.js';

/**
 * Brings the one-process pipeline to rest at the current (frozen) time: polls what is due,
 * relays the outbox, waits until every consumer group has processed every message written for
 * it, sweeps deadlines, sends due messages, and repeats until a whole pass writes nothing new.
 * On Kafka, progress is read from the database (outbox rows against processed_messages). On the
 * embedded bus the bus itself says when every group has committed everything (no query per
 * check, and no waiting on a backoff between the hops of a chain of events).
 */

/** Who reads what in the one-process stack (the services' default groups and topics). */
const READERS: readonly OutboxReader[] = [
  { group: 'normalizer', topics: [TOPIC.trackingSnapshots] },
  { group: 'detector', topics: [TOPIC.shipmentEvents, TOPIC.shipments] },
  { group: 'compensation', topics: [TOPIC.shipmentDelays, TOPIC.shipmentExceptions] },
  { group: 'notifier', topics: [TOPIC.shipmentEvents, TOPIC.shipmentExceptions, TOPIC.shipmentDelays, TOPIC.compensations] },
  { group: 'archiver', topics: [TOPIC.shipmentEvents] },
  { group: 'archiver-snapshots', topics: [TOPIC.trackingSnapshots] },
];

export class PipelineStuckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PipelineStuckError';
  }
}

export interface DrainOptions {
  /** Real time a consumer group may make no progress before the drain gives up. */
  stallTimeoutMs?: number;
  /** Passes at one instant before giving up (each pass must end with nothing new). */
  maxPasses?: number;
}

export class PipelineDrain {
  /** Every outbox row up to here has been processed by all its readers. */
  private settledThrough = 0;
  private readonly stallTimeoutMs: number;
  private readonly maxPasses: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly parts: DemoParts,
    options: DrainOptions = {},
  ) {
    this.stallTimeoutMs = options.stallTimeoutMs ?? 120_000;
    this.maxPasses = options.maxPasses ?? 50;
  }

  /** Starts counting from the outbox as it is (earlier runs' rows were consumed by earlier processes). */
  async begin(): Promise<void> {
    this.settledThrough = await this.maxOutboxId();
  }

  /** Real milliseconds spent per phase, for tuning (PARCELWATCH_DEMO_TRACE=1 prints them). */
  readonly timings: Record<string, number> = {};

  private async timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.timings[phase] = (this.timings[phase] ?? 0) + performance.now() - t0;
    }
  }

  async untilQuiet(): Promise<void> {
    for (let pass = 0; pass < this.maxPasses; pass += 1) {
      this.timings['passes'] = (this.timings['passes'] ?? 0) + 1;
      const before = await this.maxOutboxId();
      await this.timed('poll', () => this.pollDue());
      await this.timed('settle-poll', () => this.settle());
      await this.timed('sweep', () => this.parts.detector.sweepOnce());
      await this.timed('settle-sweep', () => this.settle());
      await this.timed('send', () => this.sendDue());
      await this.timed('settle-send', () => this.settle());
      await this.timed('pay', () => this.payDue());
      await this.timed('settle-pay', () => this.settle());
      if ((await this.maxOutboxId()) === before) return;
    }
    throw new PipelineStuckError(`the pipeline kept producing events after ${this.maxPasses} passes at one instant`);
  }

  private async pollDue(): Promise<void> {
    for (let i = 0; i < 50; i += 1) {
      const report = await this.parts.poller.tick();
      if (report.polled === 0 && report.registered === 0) return;
    }
  }

  private async sendDue(): Promise<void> {
    for (let i = 0; i < 50; i += 1) {
      const round = await this.parts.notifier.dispatchDue();
      if (round.sent + round.failed + round.retryLater + round.deferred === 0) return;
    }
  }

  /** Pays what is approved through the marketplace (the sandbox's, in the demo), as the execution loop would. */
  private async payDue(): Promise<void> {
    for (let i = 0; i < 50; i += 1) {
      const round = await this.parts.compensation.executeDue();
      if (round.executed + round.cancelled + round.failed + round.retryLater === 0) return;
    }
  }

  /** Relays the outbox and waits until every reader has processed every row relayed. */
  private async settle(): Promise<void> {
    if (this.parts.bus instanceof EmbeddedBus) return this.settleEmbedded(this.parts.bus);
    while ((await this.parts.relay.relayOnce()) > 0);
    let waiting = await this.unprocessed();
    let lastProgress = Date.now();
    // Every check is a query on the one database connection the consumers need too (PGlite): back off.
    let wait = 5;
    while (waiting.total > 0) {
      // The relay may have been beaten to rows by its own loop; publish anything left.
      while ((await this.parts.relay.relayOnce()) > 0);
      await pause(wait);
      wait = Math.min(wait * 2, 160);
      const now = await this.unprocessed();
      if (now.total < waiting.total) lastProgress = Date.now();
      waiting = now;
      if (Date.now() - lastProgress > this.stallTimeoutMs) {
        throw new PipelineStuckError(`consumers made no progress for ${Math.round(this.stallTimeoutMs / 1000)} s: ${JSON.stringify(waiting.byGroup)} messages unprocessed (a message dead-lettered, or a stage down)`);
      }
    }
    this.settledThrough = waiting.maxId;
  }

  /**
   * Quiet when, with no message appended in between: the bus is idle (every group committed
   * all it reads, no chunk in hand), the outbox holds nothing unpublished, and the bus is still
   * idle. A consumer commits only after its transaction (and its outbox rows) committed, so
   * nothing is in flight. Wakes on every publish and commit rather than on a timer.
   */
  private async settleEmbedded(bus: EmbeddedBus): Promise<void> {
    let lastProgress = Date.now();
    for (;;) {
      while ((await this.parts.relay.relayOnce()) > 0);
      const mark = bus.appendedCount;
      if (bus.isIdle() && !(await this.anyUnpublished()) && bus.isIdle() && bus.appendedCount === mark) break;
      // Consumers signal each commit; other writers (the services' own loops) are caught by the timer.
      const moved = await Promise.race([bus.changed().then(() => true), pause(50).then(() => false)]);
      if (moved) lastProgress = Date.now();
      else if (Date.now() - lastProgress > this.stallTimeoutMs) {
        throw new PipelineStuckError(`consumers made no progress for ${Math.round(this.stallTimeoutMs / 1000)} s with messages unprocessed (a stage halted, or a handler retrying)`);
      }
    }
    this.settledThrough = await this.maxOutboxId();
  }

  private async anyUnpublished(): Promise<boolean> {
    const row = await this.db.selectFrom('outbox').select('id').where('published_at', 'is', null).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  private unprocessed(): Promise<{ total: number; maxId: number; byGroup: Record<string, number> }> {
    return countUnprocessedOutbox(this.db, READERS, this.settledThrough);
  }

  private maxOutboxId(): Promise<number> {
    return maxOutboxId(this.db);
  }
}
