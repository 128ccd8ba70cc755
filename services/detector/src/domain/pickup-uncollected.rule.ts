import type { ExceptionFactsInput } from '@parcelwatch/contracts';
import { CLEAR, DAY_MS, FIRE, roundTo1, type Rule } from './detection.types.js';
import { reminderLevel } from './reminder-level.js';

/**
 * Waiting at a pickup point for 3 days: the buyer may not know, and the point will return it.
 * Still waiting `reminderDays` later (up to `maxReminders` times): a level up, the last call.
 */
export const pickupUncollectedRule: Rule<'pickup_uncollected'> = {
  kind: 'pickup_uncollected',
  severities: ['medium', 'high'],
  evaluate({ state, thresholds, now }) {
    if (state.status !== 'available_for_pickup') return { finding: CLEAR, nextCheckAt: null };
    const { days, reminderDays, maxReminders } = thresholds.pickup_uncollected;
    const since = state.statusAt ?? state.availableForPickupAt ?? state.registeredAt;
    const due = since + days * DAY_MS;
    if (now < due) return { finding: CLEAR, nextCheckAt: due };
    const { level, nextAt } = reminderLevel(due, now, reminderDays * DAY_MS, maxReminders);
    const facts = { daysAtPickupPoint: roundTo1((now - since) / DAY_MS), thresholdDays: days, reminders: level } satisfies ExceptionFactsInput<'pickup_uncollected'>;
    return { finding: FIRE(level, level > 0 ? 'pickup_uncollected@v1:reminder' : 'pickup_uncollected@v1', facts), nextCheckAt: nextAt };
  },
};
