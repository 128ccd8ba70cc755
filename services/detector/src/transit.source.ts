import { loadLaneTransit, type Database, type Lane, type LaneTransit } from '@parcelwatch/db';
import type { Kysely, Transaction } from 'kysely';
import { DAY_MS, type TrackingState } from './domain/detection.types.js';
import { transitEstimate, type TransitEstimate } from './domain/delay.policy.js';
import type { Thresholds } from './domain/thresholds.js';

export interface TransitSourceOptions {
  /** Deliveries older than this are not counted (carriers change their networks). Default 180 days. */
  historyDays?: number;
  /** How long a lane's figures are reused (real time). Default 1 h: they move slowly. */
  ttlMs?: number;
}

const laneKey = (lane: Lane): string => `${lane.carrier}|${lane.originCountry}|${lane.destinationCountry}`;

/**
 * Transit-time history per carrier + lane, for shipments with no promised date. Loaded only
 * for the lanes a batch needs and kept for an hour, so a sweep adds at most one small
 * aggregate query over the lane index, not one per shipment.
 */
export class TransitSource {
  private readonly cache = new Map<string, { history: LaneTransit | undefined; loadedAt: number }>();
  private readonly historyMs: number;
  private readonly ttlMs: number;

  constructor(options: TransitSourceOptions = {}) {
    this.historyMs = (options.historyDays ?? 180) * DAY_MS;
    this.ttlMs = options.ttlMs ?? 3_600_000;
  }

  private laneOf(state: TrackingState): Lane | null {
    if (state.promisedDeliveryDate !== null || state.originCountry === null || state.destinationCountry === null) return null;
    return { carrier: state.carrier, originCountry: state.originCountry, destinationCountry: state.destinationCountry };
  }

  async prepare(db: Kysely<Database> | Transaction<Database>, states: readonly TrackingState[], nowMs: number): Promise<void> {
    const fresh = performance.now();
    const needed = new Map<string, Lane>();
    for (const state of states) {
      const lane = this.laneOf(state);
      if (lane === null) continue;
      const key = laneKey(lane);
      const cached = this.cache.get(key);
      if (cached === undefined || fresh - cached.loadedAt > this.ttlMs) needed.set(key, lane);
    }
    if (needed.size === 0) return;
    const found = new Map((await loadLaneTransit(db, [...needed.values()], new Date(nowMs - this.historyMs))).map((row) => [laneKey(row), row]));
    for (const key of needed.keys()) this.cache.set(key, { history: found.get(key), loadedAt: fresh });
  }

  estimate(state: TrackingState, late: Thresholds['late']): TransitEstimate {
    const lane = this.laneOf(state);
    return transitEstimate(lane === null ? undefined : this.cache.get(laneKey(lane))?.history, late);
  }
}
