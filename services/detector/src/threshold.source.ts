import { listDetectionOverrides, type Database } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import type { Kysely, Transaction } from 'kysely';
import { orderBySpecificity, parseOverrideThreshold, thresholdsFor, type ShipmentScope, type ThresholdOverride, type Thresholds } from './domain/thresholds.js';

export interface ThresholdSourceOptions {
  /** The defaults (the table, with a file's `defaults` applied). */
  base: Thresholds;
  fileOverrides: readonly ThresholdOverride[];
  logger: Logger;
  /** How long database overrides are reused before they are read again (real time). Default 60 s. */
  ttlMs?: number;
}

/**
 * The thresholds each shipment is judged by: defaults, the file's overrides and the database's
 * (detection_overrides, read whole and cached for a minute, so an ops edit applies within a
 * minute without a restart). Memoized per scope: a sweep batch has few distinct
 * carrier/lane/merchant combinations.
 */
export class ThresholdSource {
  private ordered: ThresholdOverride[];
  private loadedAt = Number.NEGATIVE_INFINITY;
  private readonly memo = new Map<string, Thresholds>();
  private readonly ttlMs: number;

  constructor(private readonly options: ThresholdSourceOptions) {
    this.ordered = orderBySpecificity(options.fileOverrides);
    this.ttlMs = options.ttlMs ?? 60_000;
  }

  /** Reads the database overrides again when the cached ones are older than the TTL (or `force`). */
  async refresh(db: Kysely<Database> | Transaction<Database>, force = false): Promise<void> {
    if (!force && performance.now() - this.loadedAt < this.ttlMs) return;
    const fromDb: ThresholdOverride[] = [];
    for (const record of await listDetectionOverrides(db)) {
      const parsed = parseOverrideThreshold(record.rule, record.threshold);
      if (!parsed.success) {
        // A bad row must not stop detection for everyone: it is skipped, loudly.
        this.options.logger.warn({ rule: record.rule, carrier: record.carrier, reason: parsed.error.message }, 'invalid detection override skipped');
        continue;
      }
      fromDb.push({ ...record, threshold: parsed.data, source: 'database' });
    }
    this.ordered = orderBySpecificity([...this.options.fileOverrides, ...fromDb]);
    this.memo.clear();
    this.loadedAt = performance.now();
  }

  forShipment(scope: ShipmentScope): Thresholds {
    const key = `${scope.carrier}|${scope.originCountry ?? ''}|${scope.destinationCountry ?? ''}|${scope.merchantId}`;
    let thresholds = this.memo.get(key);
    if (thresholds === undefined) {
      thresholds = thresholdsFor(this.options.base, this.ordered, scope);
      this.memo.set(key, thresholds);
    }
    return thresholds;
  }
}
