import type { ExceptionFactsInput } from '@parcelwatch/contracts';
import { CLEAR, DAY_MS, FIRE, roundTo1, type Rule } from './detection.types.js';
import { isPostalCarrier } from './postal-carriers.js';

/**
 * In transit with no new checkpoint for 5 days (7 on postal lanes). Any newer scan resets the
 * clock and resolves it; a stall that reaches the lost threshold is superseded by `lost`.
 */
export const stalledRule: Rule<'stalled'> = {
  kind: 'stalled',
  severities: ['medium'],
  evaluate({ state, thresholds, now }) {
    if (state.status !== 'in_transit') return { finding: CLEAR, nextCheckAt: null };
    const since = state.lastCheckpointAt ?? state.statusAt ?? state.registeredAt;
    const postal = isPostalCarrier(state.carrier);
    const days = postal ? thresholds.stalled.postalDays : thresholds.stalled.days;
    const due = since + days * DAY_MS;
    if (now < due) return { finding: CLEAR, nextCheckAt: due };
    const facts = { daysWithoutScan: roundTo1((now - since) / DAY_MS), thresholdDays: days, postalLane: postal } satisfies ExceptionFactsInput<'stalled'>;
    return { finding: FIRE(0, postal ? 'stalled@v1:postal' : 'stalled@v1', facts), nextCheckAt: null };
  },
};
