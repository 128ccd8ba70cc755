import type { ExceptionFactsInput } from '@parcelwatch/contracts';
import { CLEAR, FIRE, HOUR_MS, roundTo1, type Rule } from './detection.types.js';

/** Out for delivery, and not delivered 24 h later. */
export const deliveryOverdueRule: Rule<'delivery_overdue'> = {
  kind: 'delivery_overdue',
  severities: ['medium'],
  evaluate({ state, thresholds, now }) {
    if (state.status !== 'out_for_delivery') return { finding: CLEAR, nextCheckAt: null };
    const since = state.statusAt ?? state.outForDeliveryAt ?? state.registeredAt;
    const due = since + thresholds.delivery_overdue.hours * HOUR_MS;
    if (now < due) return { finding: CLEAR, nextCheckAt: due };
    const facts = { hoursOutForDelivery: roundTo1((now - since) / HOUR_MS), thresholdHours: thresholds.delivery_overdue.hours } satisfies ExceptionFactsInput<'delivery_overdue'>;
    return { finding: FIRE(0, 'delivery_overdue@v1', facts), nextCheckAt: null };
  },
};
