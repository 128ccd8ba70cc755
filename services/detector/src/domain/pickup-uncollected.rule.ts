import { CLEAR, DAY_MS, FIRE, roundTo1, type Rule } from './detection.types.js';

/** Waiting at a pickup point for 5 days: the buyer may not know, and the point will return it. */
export const pickupUncollectedRule: Rule = {
  kind: 'pickup_uncollected',
  severities: ['medium'],
  evaluate({ state, thresholds, now }) {
    if (state.status !== 'available_for_pickup') return { finding: CLEAR, nextCheckAt: null };
    const since = state.statusAt ?? state.availableForPickupAt ?? state.registeredAt;
    const due = since + thresholds.pickup_uncollected.days * DAY_MS;
    if (now < due) return { finding: CLEAR, nextCheckAt: due };
    const facts = { daysAtPickupPoint: roundTo1((now - since) / DAY_MS), thresholdDays: thresholds.pickup_uncollected.days };
    return { finding: FIRE(0, 'pickup_uncollected@v1', facts), nextCheckAt: null };
  },
};
