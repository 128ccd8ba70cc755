import type { ExceptionFactsInput } from '@parcelwatch/contracts';
import { CLEAR, FIRE, type Rule } from './detection.types.js';

/** Where the last mile has ended, for better or worse: the failed attempts no longer need action. */
const SETTLED = new Set(['delivered', 'available_for_pickup']);

/**
 * A failed delivery attempt opens it; the 2nd attempt escalates it (the buyer has now missed
 * the courier twice and the carrier will soon return the parcel). Resolved once the parcel is
 * delivered, waits at a pickup point (pickup_uncollected takes over) or goes back to the sender.
 */
export const failedDeliveryRule: Rule<'failed_delivery'> = {
  kind: 'failed_delivery',
  severities: ['medium', 'high'],
  evaluate({ state, thresholds }) {
    const returning = state.status === 'exception' && (state.statusReason === 'returning' || state.statusReason === 'returned');
    if (state.failedAttempts < 1 || SETTLED.has(state.status) || returning) return { finding: CLEAR, nextCheckAt: null };
    const escalated = state.failedAttempts >= thresholds.failed_delivery.escalateAtAttempt;
    const facts = { failedAttempts: state.failedAttempts, lastReason: state.status === 'failed_attempt' ? state.statusReason : null } satisfies ExceptionFactsInput<'failed_delivery'>;
    return { finding: FIRE(escalated ? 1 : 0, escalated ? 'failed_delivery@v1:repeated' : 'failed_delivery@v1', facts), nextCheckAt: null };
  },
};
