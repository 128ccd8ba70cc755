import { customsHoldReasonSchema, type ExceptionFactsInput } from '@parcelwatch/contracts';
import { CLEAR, FIRE, HOUR_MS, roundTo1, type Rule } from './detection.types.js';
import { reminderLevel } from './reminder-level.js';

/**
 * A customs hold reason at once, or customs processing without release for 48 h. While the hold
 * lasts, the level rises every `reminderHours` (up to `maxReminders`): each level is a reminder
 * to the buyer, who often is the one who must act (duties, documents).
 */
export const customsHoldRule: Rule<'customs_hold'> = {
  kind: 'customs_hold',
  severities: ['medium', 'high'],
  evaluate({ state, thresholds, now }) {
    const { processingHours, reminderHours, maxReminders } = thresholds.customs_hold;
    const since = state.statusAt ?? state.lastCheckpointAt ?? state.registeredAt;
    const hold = state.status === 'exception' ? customsHoldReasonSchema.safeParse(state.statusReason) : null;
    if (hold?.success) {
      const { level, nextAt } = reminderLevel(since, now, reminderHours * HOUR_MS, maxReminders);
      const facts = { carrierReason: hold.data, hoursHeld: roundTo1((now - since) / HOUR_MS), reminders: level } satisfies ExceptionFactsInput<'customs_hold'>;
      const ruleFired = `customs_hold@v1:${hold.data}${level > 0 ? ':reminder' : ''}`;
      return { finding: FIRE(level, ruleFired, facts), nextCheckAt: nextAt };
    }
    const processing = state.status === 'in_transit' && state.statusReason === 'customs_processing';
    if (!processing || (state.customsClearedAt !== null && state.statusAt !== null && state.customsClearedAt >= state.statusAt)) {
      return { finding: CLEAR, nextCheckAt: null };
    }
    const due = since + processingHours * HOUR_MS;
    if (now < due) return { finding: CLEAR, nextCheckAt: due };
    const { level, nextAt } = reminderLevel(due, now, reminderHours * HOUR_MS, maxReminders);
    const hoursInCustoms = roundTo1((now - since) / HOUR_MS);
    const facts = { hoursInCustoms, thresholdHours: processingHours, hoursHeld: hoursInCustoms, reminders: level } satisfies ExceptionFactsInput<'customs_hold'>;
    return { finding: FIRE(level, `customs_hold@v1:processing_overdue${level > 0 ? ':reminder' : ''}`, facts), nextCheckAt: nextAt };
  },
};
