import type { ExceptionFactsInput } from '@parcelwatch/contracts';
import { CLEAR, FIRE, HOUR_MS, roundTo1, type Rule } from './detection.types.js';

const AWAITING_PICKUP = new Set(['pending', 'info_received', 'not_found']);

/** Label or info received, no carrier scan for 72 h (counted from the label, else registration). */
export const notPickedUpRule: Rule<'not_picked_up'> = {
  kind: 'not_picked_up',
  severities: ['medium'],
  evaluate({ state, thresholds, now }) {
    if (state.pickedUpAt !== null || !AWAITING_PICKUP.has(state.status)) return { finding: CLEAR, nextCheckAt: null };
    const since = state.infoReceivedAt ?? state.registeredAt;
    const due = since + thresholds.not_picked_up.hours * HOUR_MS;
    if (now < due) return { finding: CLEAR, nextCheckAt: due };
    const facts = { hoursWithoutScan: roundTo1((now - since) / HOUR_MS), thresholdHours: thresholds.not_picked_up.hours } satisfies ExceptionFactsInput<'not_picked_up'>;
    return { finding: FIRE(0, 'not_picked_up@v1', facts), nextCheckAt: null };
  },
};
