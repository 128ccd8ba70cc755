import type { ExceptionFactsInput } from '@parcelwatch/contracts';
import { CLEAR, FIRE, isReturned, type Rule } from './detection.types.js';

/**
 * Past the end of the promised delivery date in the buyer's zone and not delivered. Escalates
 * with the delay tier (level 1 at tier 1, level 2 at tier 2). A late delivery resolves it as
 * delivered, a return as returned; the days it was late stay on record in the delays table.
 */
export const lateRule: Rule<'late'> = {
  kind: 'late',
  severities: ['low', 'medium', 'high'],
  evaluate({ state, delay }) {
    if (delay === null || delay.reference.against !== 'promised' || state.status === 'delivered' || isReturned(state)) return { finding: CLEAR, nextCheckAt: null };
    if (delay.daysLate === 0) return { finding: CLEAR, nextCheckAt: delay.nextCheckAt };
    const facts = { daysLate: delay.daysLate, promisedDate: delay.reference.date, timeZone: delay.reference.timeZone, tier: delay.tier } satisfies ExceptionFactsInput<'late'>;
    const ruleFired = delay.tier === null ? 'late@v1' : `late@v1:tier${delay.tier}`;
    // The tier can still grow: look again at the next local midnight.
    return { finding: FIRE(delay.tier ?? 0, ruleFired, facts), nextCheckAt: delay.nextCheckAt };
  },
};
