import { claimDueDetections, type Database } from '@parcelwatch/db';
import type { Kysely } from 'kysely';
import { addCounts, detectAndWrite, emptyCounts, type DetectionCounts, type DetectionRoundDeps } from './detection.round.js';

export interface SweepOptions extends DetectionRoundDeps {
  db: Kysely<Database>;
  /** Shipments claimed and written per transaction. */
  batchSize: number;
  /** Batches run at once, each on its own connection (SKIP LOCKED keeps them apart). */
  concurrency: number;
}

/**
 * One sweep: claims the shipments due at `nowMs` batch after batch until none is left, each
 * batch claimed, evaluated and written in one transaction. Every written deadline is after
 * `nowMs` (or null), so a sweep never claims a shipment twice and ends. Its cost is the due
 * shipments, read through the schedule's index on next_check_at, whatever the table's size.
 */
export async function sweepDue(nowMs: number, options: SweepOptions): Promise<DetectionCounts> {
  const now = new Date(nowMs);
  const worker = async (): Promise<DetectionCounts> => {
    let total = emptyCounts();
    for (;;) {
      const claimed = { count: 0 };
      const counts = await options.db.transaction().execute(async (trx) => {
        const due = await claimDueDetections(trx, { now, limit: options.batchSize });
        claimed.count = due.length;
        return detectAndWrite(trx, due, nowMs, options);
      });
      total = addCounts(total, counts);
      if (claimed.count < options.batchSize) return total;
    }
  };
  const results = await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return results.reduce(addCounts, emptyCounts());
}
