import type { ExceptionFactsOf } from '@parcelwatch/contracts';
import { CLEAR, FIRE, HOLD, type Rule, type TrackingState } from './detection.types.js';

/** The cause the classifier read from the checkpoints; unknown (not the carrier's fault) without one. */
function returnFacts(state: TrackingState): ExceptionFactsOf<'returning'> {
  const found = state.returnCause;
  return found === null ? { cause: 'unknown', carrierFault: false, causeCode: null } : { ...found };
}

/**
 * On its way back to the sender; escalated once it is back (the order has failed for good).
 * It stays open after that for ops to close: nothing the carrier says later undoes a return,
 * except a newer delivery to the buyer. Its facts say why (see return-cause.ts): compensation
 * pays tier 3 when the carrier is at fault.
 */
export const returningRule: Rule<'returning'> = {
  kind: 'returning',
  severities: ['medium', 'high'],
  evaluate({ state }) {
    if (state.status === 'exception' && state.statusReason === 'returning') return { finding: FIRE(0, 'returning@v1', returnFacts(state)), nextCheckAt: null };
    if (state.status === 'exception' && state.statusReason === 'returned') return { finding: FIRE(1, 'returning@v1:returned', returnFacts(state)), nextCheckAt: null };
    if (state.status === 'delivered') return { finding: CLEAR, nextCheckAt: null };
    return { finding: HOLD, nextCheckAt: null };
  },
};
