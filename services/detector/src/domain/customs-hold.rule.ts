import { CLEAR, FIRE, HOUR_MS, roundTo1, type Rule } from './detection.types.js';

/** Reasons where customs holds the parcel until someone acts (documents, duties). */
const HOLD_REASONS = new Set(['customs_hold', 'customs_documents_required', 'duties_unpaid']);

/** A customs hold reason at once, or customs processing without release for 48 h. */
export const customsHoldRule: Rule = {
  kind: 'customs_hold',
  severities: ['medium'],
  evaluate({ state, thresholds, now }) {
    if (state.status === 'exception' && state.statusReason !== null && HOLD_REASONS.has(state.statusReason)) {
      return { finding: FIRE(0, `customs_hold@v1:${state.statusReason}`, { carrierReason: state.statusReason }), nextCheckAt: null };
    }
    const processing = state.status === 'in_transit' && state.statusReason === 'customs_processing';
    if (!processing || (state.customsClearedAt !== null && state.statusAt !== null && state.customsClearedAt >= state.statusAt)) {
      return { finding: CLEAR, nextCheckAt: null };
    }
    const since = state.statusAt ?? state.lastCheckpointAt ?? state.registeredAt;
    const due = since + thresholds.customs_hold.processingHours * HOUR_MS;
    if (now < due) return { finding: CLEAR, nextCheckAt: due };
    const facts = { hoursInCustoms: roundTo1((now - since) / HOUR_MS), thresholdHours: thresholds.customs_hold.processingHours };
    return { finding: FIRE(0, 'customs_hold@v1:processing_overdue', facts), nextCheckAt: null };
  },
};
