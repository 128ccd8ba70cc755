import type { NormalizedCheckpoint } from '@parcelwatch/carriers';
import { MILESTONE_TIMESTAMPS, type ParcelState } from '../src/domain/parcel-state.js';
import { placeOnTimeline, type TimelineCheckpoint } from '../src/domain/timeline.js';

export const SHIPMENT_ID = '0193a1b2-0000-7000-8000-000000000001';
export const MERCHANT_ID = '0193a1b2-0000-7000-8000-0000000000aa';

export function scan(
  occurredAt: string,
  milestone: NormalizedCheckpoint['milestone'],
  reason: string | null,
  extra: Partial<Pick<NormalizedCheckpoint, 'rawText' | 'rawCode'>> & { city?: string } = {},
): NormalizedCheckpoint {
  return {
    occurredAt,
    localTime: occurredAt.replace('Z', ''),
    utcOffsetMinutes: 0,
    zoneUnknown: false,
    location: { city: extra.city ?? 'Shenzhen', region: null, postalCode: null, countryCode: 'CN', text: extra.city ?? 'Shenzhen' },
    rawCode: extra.rawCode ?? `${milestone}:${reason ?? ''}`,
    rawText: extra.rawText ?? `${milestone} ${reason ?? ''}`,
    milestone,
    reason,
  } as NormalizedCheckpoint;
}

export function placed(snapshotId: string, checkpoints: readonly NormalizedCheckpoint[], shipmentId = SHIPMENT_ID): TimelineCheckpoint[] {
  return placeOnTimeline({ shipmentId, snapshotId, source: 'poll', provider: 'aftership' }, checkpoints);
}

export function newParcel(): ParcelState {
  return {
    id: SHIPMENT_ID,
    merchantId: MERCHANT_ID,
    carrier: 'yunexpress',
    status: 'pending',
    statusReason: null,
    statusAt: null,
    lastCheckpointAt: null,
    milestones: Object.fromEntries(MILESTONE_TIMESTAMPS.map((column) => [column, null])) as ParcelState['milestones'],
    failedAttempts: 0,
    originCountry: 'CN',
    destinationCountry: 'US',
    buyerTimezone: 'America/Los_Angeles',
    estimatedDelivery: null,
  };
}
