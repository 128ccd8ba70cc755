import { ensureCheckpointPartitions, type Database } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import type { Clock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';

export interface CheckpointUpkeepOptions {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  /** Month partitions kept ready ahead of the Clock's month (default 3). */
  monthsAhead?: number;
  /** Real milliseconds between runs (default 6 h; the demo's fast clock crosses months quickly). */
  intervalMs?: number;
}

export interface CheckpointUpkeep {
  /** Creates the missing month partitions from the Clock's month on; returns how many were new. */
  runOnce(): Promise<number>;
  start(): void;
  stop(): void;
}

/**
 * Keeps the monthly checkpoint partitions ahead of time. Without it nothing breaks (rows land in
 * checkpoints_default), but old months could not be detached to cold storage one by one.
 */
export function createCheckpointUpkeep(options: CheckpointUpkeepOptions): CheckpointUpkeep {
  const monthsAhead = options.monthsAhead ?? 3;
  const intervalMs = options.intervalMs ?? 6 * 3_600_000;
  let timer: NodeJS.Timeout | null = null;
  const runOnce = async (): Promise<number> => {
    // This month plus the months ahead: a scan dated today must never wait for a partition.
    const created = await ensureCheckpointPartitions(options.db, { from: options.clock.now().toJSDate(), months: monthsAhead + 1 });
    if (created > 0) options.logger.info({ created }, 'checkpoint partitions created');
    return created;
  };
  const runLogged = () => {
    runOnce().catch((err: unknown) => options.logger.warn({ err }, 'checkpoint partition upkeep failed; retried at the next run'));
  };
  return {
    runOnce,
    start() {
      if (timer !== null) return;
      runLogged();
      timer = setInterval(runLogged, intervalMs);
      timer.unref();
    },
    stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
    },
  };
}
