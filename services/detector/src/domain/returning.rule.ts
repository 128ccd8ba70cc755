import { CLEAR, FIRE, HOLD, type Rule } from './detection.types.js';

/**
 * On its way back to the sender; escalated once it is back (the order has failed for good).
 * It stays open after that for ops to close: nothing the carrier says later undoes a return,
 * except a newer delivery to the buyer.
 */
export const returningRule: Rule = {
  kind: 'returning',
  severities: ['medium', 'high'],
  evaluate({ state }) {
    if (state.status === 'exception' && state.statusReason === 'returning') return { finding: FIRE(0, 'returning@v1', {}), nextCheckAt: null };
    if (state.status === 'exception' && state.statusReason === 'returned') return { finding: FIRE(1, 'returning@v1:returned', {}), nextCheckAt: null };
    if (state.status === 'delivered') return { finding: CLEAR, nextCheckAt: null };
    return { finding: HOLD, nextCheckAt: null };
  },
};
