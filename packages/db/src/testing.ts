import type { Kysely } from 'kysely';
import type { Database, MilestoneColumn } from './database.js';
import { setNextCheckAt } from './detector/detection-schedule.repository.js';
import { applyPollSchedules } from './poller/poll-schedule.repository.js';
import { registerShipments, type NewBuyerContact, type NewShipmentRegistration } from './api/shipment.repository.js';
import { MILESTONE_TIMESTAMP_COLUMNS, updateShipmentStates, type MilestoneTimestampColumn, type ShipmentDeliveryEstimate } from './normalizer/shipment-state.repository.js';

/**
 * For tests (`@parcelwatch/db/testing`): shipments put in the state a test needs by the
 * repositories the services themselves write with (registration as the api does it, tracking
 * state as the normalizer records it, the detector's deadline, the poller's schedule), so a test
 * never holds a shipment the product could not have produced.
 */
export interface TestShipment {
  id: string;
  merchantId: string;
  trackingNumber: string;
  orderId?: string;
  carrier?: string;
  provider?: string;
  originCountry?: string | null;
  destinationCountry?: string | null;
  promisedDeliveryDate?: string | null;
  buyerTimezone?: string;
  orderValueMinor?: number | null;
  orderCurrency?: string | null;
  contact?: NewBuyerContact | null;
  buyerId?: string | null;
  registeredAt: Date;
  /** What the normalizer has recorded from checkpoints; absent: still `pending`. */
  tracking?: TestTrackingState;
  /** The detector's next deadline. */
  nextCheckAt?: Date | null;
  /** The poller's schedule after its last round; absent: due at registration, unknown to the provider. */
  polling?: { nextPollAt: Date | null; active: boolean; providerRegisteredAt?: Date | null };
}

export interface TestTrackingState {
  status: MilestoneColumn;
  reason?: string | null;
  statusAt?: Date | null;
  lastCheckpointAt?: Date | null;
  failedAttempts?: number;
  milestones?: Partial<Record<MilestoneTimestampColumn, Date | null>>;
  /** The estimate the normalizer wrote (the carrier's own, or the lane's learned one). */
  estimatedDelivery?: ShipmentDeliveryEstimate | null;
}

const iso = (value: Date | null | undefined): string | null => (value === null || value === undefined ? null : value.toISOString());

function registration(s: TestShipment): NewShipmentRegistration {
  return {
    id: s.id,
    merchantId: s.merchantId,
    orderId: s.orderId ?? `order-${s.id}`,
    trackingNumber: s.trackingNumber,
    carrier: s.carrier ?? 'yunexpress',
    provider: s.provider ?? '17track',
    originCountry: s.originCountry === undefined ? 'CN' : s.originCountry,
    destinationCountry: s.destinationCountry === undefined ? 'US' : s.destinationCountry,
    promisedDeliveryDate: s.promisedDeliveryDate ?? null,
    buyerTimezone: s.buyerTimezone ?? 'America/New_York',
    orderValueMinor: s.orderValueMinor ?? null,
    orderCurrency: s.orderCurrency ?? null,
    contact: s.contact ?? null,
    buyerId: s.buyerId ?? null,
    nextPollAt: s.registeredAt,
    registeredAt: s.registeredAt,
  };
}

/** Registers `shipments` (their merchants must exist) and brings each to its tracking, detection and polling state. */
export async function seedShipments(db: Kysely<Database>, shipments: readonly TestShipment[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Batches of 500 keep each statement's parameter count far below PostgreSQL's limit.
    for (let i = 0; i < shipments.length; i += 500) {
      const outcome = await registerShipments(trx, shipments.slice(i, i + 500).map(registration));
      const repeated = outcome.results.find((result) => !result.created);
      if (repeated !== undefined) throw new Error(`seed shipment ${repeated.shipment.orderId}/${repeated.shipment.trackingNumber} already exists`);
    }
    await updateShipmentStates(
      trx,
      shipments.flatMap((s) =>
        s.tracking === undefined
          ? []
          : [{
              id: s.id,
              merchantId: s.merchantId,
              carrier: s.carrier ?? 'yunexpress',
              status: s.tracking.status,
              statusReason: s.tracking.reason ?? null,
              statusAt: iso(s.tracking.statusAt),
              lastCheckpointAt: iso(s.tracking.lastCheckpointAt),
              failedAttempts: s.tracking.failedAttempts ?? 0,
              originCountry: s.originCountry === undefined ? 'CN' : s.originCountry,
              destinationCountry: s.destinationCountry === undefined ? 'US' : s.destinationCountry,
              buyerTimezone: s.buyerTimezone ?? 'America/New_York',
              estimatedDelivery: s.tracking.estimatedDelivery ?? null,
              milestones: Object.fromEntries(MILESTONE_TIMESTAMP_COLUMNS.map((column) => [column, iso(s.tracking?.milestones?.[column])])) as Record<
                MilestoneTimestampColumn,
                string | null
              >,
            }],
      ),
    );
    await setNextCheckAt(trx, shipments.flatMap((s) => (s.nextCheckAt === undefined ? [] : [{ id: s.id, nextCheckAt: s.nextCheckAt }])));
    await applyPollSchedules(
      trx,
      shipments.flatMap((s) =>
        s.polling === undefined
          ? []
          : [{
              id: s.id,
              leaseUntil: s.registeredAt,
              nextPollAt: s.polling.nextPollAt,
              active: s.polling.active,
              pollAttempts: 0,
              polledAt: null,
              registeredAt: s.polling.providerRegisteredAt ?? null,
              problem: null,
            }],
      ),
    );
  });
}
