import type { Location, MilestoneStatus, Provider } from '@parcelwatch/contracts';
import type { DeliveryEstimate } from './delivery-estimate.js';

/**
 * One carrier scan in the two-level taxonomy. Shaped to drop into the contracts'
 * `checkpointSchema` (the normalizer adds ids, source and provider):
 * - `occurredAt`: the UTC instant, `YYYY-MM-DDTHH:mm:ssZ`.
 * - `localTime`: the carrier's wall-clock text `YYYY-MM-DDTHH:mm:ss`, always present (when a
 *   provider gives only a UTC instant, the wall time is that instant at offset 0).
 * - `utcOffsetMinutes`: the offset the carrier gave, or null exactly when `zoneUnknown`.
 * - `zoneUnknown`: the carrier gave no zone; `occurredAt` is then a best guess (see
 *   `resolveCarrierTime`).
 */
export type NormalizedCheckpoint = MilestoneStatus & {
  occurredAt: string;
  localTime: string;
  utcOffsetMinutes: number | null;
  zoneUnknown: boolean;
  location: Location;
  /** The provider's code for this scan, as sent (null when it sends none). */
  rawCode: string | null;
  rawText: string;
};

/**
 * A provider payload read into the taxonomy. `milestone`/`reason` is the current status: the
 * latest checkpoint's, or the provider's summary when there are no checkpoints.
 * `unknownCodes` holds one entry per checkpoint (or summary) whose code was not in the
 * provider's table and was mapped by keywords instead, so `length` counts them.
 */
export type MappedTracking = MilestoneStatus & {
  provider: Provider;
  trackingNumber: string;
  /** The carrier as an AfterShip-style slug ('usps', 'yanwen'), or null when unknown. */
  carrier: string | null;
  checkpoints: NormalizedCheckpoint[];
  notFound: boolean;
  unknownCodes: string[];
  /**
   * The provider's error or notice for this number, kept for the caller's decisions (e.g.
   * 17TRACK -18019902 "not registered" means register first): `notFound` answers carry one.
   */
  providerError: ProviderError | null;
  /** The provider's own delivery estimate, or null when it gives none. */
  estimatedDelivery: DeliveryEstimate | null;
};

export type ProviderError = { code: string; message: string };

/** Options every mapper takes. */
export type MapOptions = {
  /**
   * Which number to read from a batch response (17TRACK, FedEx, USPS v3r2 answer for many
   * numbers at once). Needed only when the payload holds more than one number.
   */
  trackingNumber?: string;
};

export type TrackingMapper = (payload: unknown, options?: MapOptions) => MappedTracking;
