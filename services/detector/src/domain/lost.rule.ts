import type { ExceptionFactsInput } from '@parcelwatch/contracts';
import { CLEAR, DAY_MS, FIRE, isDelivered, isReturned, roundTo1, type Rule } from './detection.types.js';

/** Statuses where silence is not a loss: nothing was handed over yet, or it waits for the buyer. */
const NOT_IN_CARRIER_HANDS = new Set(['pending', 'info_received', 'not_found', 'available_for_pickup']);

/**
 * The carrier says lost or destroyed, or the carrier had the parcel and no checkpoint came for
 * 30 days. A newer scan (the parcel is found) or a delivery resolves it. When it fires, an open
 * stall is superseded (see detection.ts).
 */
export const lostRule: Rule<'lost'> = {
  kind: 'lost',
  severities: ['critical'],
  evaluate({ state, thresholds, now }) {
    if (state.status === 'exception' && (state.statusReason === 'lost' || state.statusReason === 'destroyed')) {
      return { finding: FIRE(0, `lost@v1:carrier_${state.statusReason}`, { carrierReason: state.statusReason }), nextCheckAt: null };
    }
    if (state.pickedUpAt === null || isDelivered(state) || isReturned(state) || NOT_IN_CARRIER_HANDS.has(state.status)) {
      return { finding: CLEAR, nextCheckAt: null };
    }
    const since = state.lastCheckpointAt ?? state.pickedUpAt;
    const due = since + thresholds.lost.days * DAY_MS;
    if (now < due) return { finding: CLEAR, nextCheckAt: due };
    const facts = { daysWithoutScan: roundTo1((now - since) / DAY_MS), thresholdDays: thresholds.lost.days } satisfies ExceptionFactsInput<'lost'>;
    return { finding: FIRE(0, 'lost@v1:no_scan', facts), nextCheckAt: null };
  },
};
