import { DateTime } from 'luxon';
import { parseExceptionFacts } from '@parcelwatch/contracts';
import { defaultPolicy } from '@parcelwatch/policy';
import type { DelayAgainst, DelayTiers } from '../src/domain/delay.policy.js';
import { evaluateShipment, type DetectionInput, type Evaluation } from '../src/domain/detection.js';
import type { OpenException, TrackingState } from '../src/domain/detection.types.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../src/domain/thresholds.js';

export const SHIPMENT_ID = '0193a1b2-0000-7000-8000-000000000001';
export const MERCHANT_ID = '0193a1b2-0000-7000-8000-0000000000aa';

export const ms = (iso: string): number => {
  const value = DateTime.fromISO(iso, { setZone: true });
  if (!value.isValid) throw new Error(`bad instant ${iso}`);
  return value.toMillis();
};
export const iso = (value: number | null): string | null => (value === null ? null : DateTime.fromMillis(value, { zone: 'utc' }).toISO());

/** A parcel picked up in Shenzhen on 1 March 2025 by YunExpress, for a buyer in New York, nothing promised. */
export function parcel(overrides: Partial<TrackingState> = {}): TrackingState {
  return {
    shipmentId: SHIPMENT_ID,
    merchantId: MERCHANT_ID,
    carrier: 'yunexpress',
    originCountry: 'CN',
    destinationCountry: 'US',
    status: 'in_transit',
    statusReason: 'picked_up',
    statusAt: ms('2025-03-01T08:00:00Z'),
    lastCheckpointAt: ms('2025-03-01T08:00:00Z'),
    registeredAt: ms('2025-02-28T12:00:00Z'),
    infoReceivedAt: ms('2025-02-28T12:00:00Z'),
    pickedUpAt: ms('2025-03-01T08:00:00Z'),
    customsClearedAt: null,
    outForDeliveryAt: null,
    availableForPickupAt: null,
    deliveredAt: null,
    returnedAt: null,
    failedAttempts: 0,
    promisedDeliveryDate: null,
    buyerTimezone: 'America/New_York',
    returnCause: null,
    ...overrides,
  };
}

export interface Scenario {
  state: TrackingState;
  now: string;
  open?: OpenException[];
  thresholds?: Thresholds;
  /** Default: the shipped compensation policy's. */
  delayTiers?: DelayTiers;
  recorded?: Partial<Record<DelayAgainst, number>>;
}

const SHIPPED_TIERS = defaultPolicy().tiers;

export function evaluate(scenario: Scenario): Evaluation {
  const input: DetectionInput = {
    state: scenario.state,
    open: scenario.open ?? [],
    thresholds: scenario.thresholds ?? DEFAULT_THRESHOLDS,
    delayTiers: scenario.delayTiers ?? SHIPPED_TIERS,
    now: ms(scenario.now),
    estimate: { p50Days: 12, p90Days: 20, samples: 0, source: 'default' },
    recordedDaysLate: { promised: 0, estimated: 0, ...scenario.recorded },
  };
  const evaluation = evaluateShipment(input);
  // The events carry the facts unparsed: every scenario checks them against the contract here.
  for (const step of [...evaluation.open, ...evaluation.escalate]) parseExceptionFacts(step.kind, step.facts);
  return evaluation;
}

export function openException(kind: OpenException['kind'], level = 0, severity: OpenException['severity'] = 'medium'): OpenException {
  return { id: `0193a1b2-0000-7000-8000-${String(kind.length).padStart(12, '0')}`, kind, severity, level, openedAt: ms('2025-03-01T00:00:00Z') };
}

export const kindsOpened = (evaluation: Evaluation) => evaluation.open.map((o) => o.kind).sort();
export const kindsResolved = (evaluation: Evaluation) => evaluation.resolve.map((r) => `${r.exception.kind}:${r.resolution}`).sort();
