import { FIRE, HOLD, type Rule } from './detection.types.js';

/**
 * The carrier says damaged. Sticky: the damage does not go away when the parcel moves on or is
 * delivered, so only ops close it (it is the evidence for a tier 2 compensation).
 */
export const damagedRule: Rule<'damaged'> = {
  kind: 'damaged',
  severities: ['high'],
  evaluate({ state }) {
    if (state.status === 'exception' && state.statusReason === 'damaged') return { finding: FIRE(0, 'damaged@v1', {}), nextCheckAt: null };
    return { finding: HOLD, nextCheckAt: null };
  },
};
