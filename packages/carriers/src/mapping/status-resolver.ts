import type { MilestoneStatus } from '@parcelwatch/contracts';
import { CUSTOMS_REASONS, customsStatusFromText } from './customs-wording.js';
import { hasKeywordMatch, statusFromKeywords } from './keyword-fallback.js';

/** A provider's published codes -> taxonomy. Data, not logic: one file per provider. */
export type CodeTable = Readonly<Record<string, MilestoneStatus>>;

export type StatusResolver = {
  /**
   * The status for a provider code, falling back to the wording when the code is missing or
   * not in the table. When even the wording says nothing, `fallback` (e.g. the main status a
   * 17TRACK sub-status starts with) and then in_transit/in_transit_other are used. Unknown
   * codes are recorded, one entry per call.
   */
  resolve(code: string | null | undefined, text: string | null | undefined, fallback?: MilestoneStatus | null): MilestoneStatus;
  readonly unknownCodes: string[];
};

const GENERIC_REASONS: ReadonlySet<string | null> = new Set(['other', 'in_transit_other']);

/**
 * A code that only says "delivered" or "in transit" keeps its milestone, but the wording may
 * say more ("Delivered, Front Door", "Left at front door"): take the wording's reason when it
 * agrees on the milestone. The code always decides the milestone.
 */
function refineReason(status: MilestoneStatus, text: string | null | undefined): MilestoneStatus {
  if (!text || !GENERIC_REASONS.has(status.reason)) return status;
  const worded = statusFromKeywords(text);
  return worded.milestone === status.milestone && !GENERIC_REASONS.has(worded.reason) ? worded : status;
}

/** Stages a code may name that a customs event's wording overrides: the coarse and the early ones. */
const CUSTOMS_OVERRIDABLE: ReadonlySet<string> = new Set(['pending', 'info_received', 'in_transit']);
const GENERIC_EXCEPTIONS: ReadonlySet<string | null> = new Set(['other', 'delayed_carrier']);

/**
 * A customs event is never filed under another stage: when the wording names a customs stage
 * and the code gave a coarse or pre-customs one (in transit, label created, a bare exception),
 * the wording's customs stage wins; a generic customs code (processing) takes the wording's
 * more precise one (held, released, documents). Delivered, failed attempts, returns and the
 * code's own precise customs stage stay as the code says.
 */
export function keepCustoms(status: MilestoneStatus, text: string | null | undefined): MilestoneStatus {
  const customs = customsStatusFromText(text);
  if (!customs) return status;
  if (status.reason === 'customs_processing') return customs;
  if (CUSTOMS_REASONS.has(status.reason)) return status;
  const coarse = CUSTOMS_OVERRIDABLE.has(status.milestone) || (status.milestone === 'exception' && GENERIC_EXCEPTIONS.has(status.reason));
  return coarse ? customs : status;
}

export function createStatusResolver(table: CodeTable, normalizeCode: (code: string) => string = (code) => code.trim()): StatusResolver {
  const unknownCodes: string[] = [];
  return {
    unknownCodes,
    resolve(code, text, fallback) {
      const key = code ? normalizeCode(code) : '';
      if (key) {
        const known = table[key];
        if (known) return keepCustoms(refineReason(known, text), text);
        unknownCodes.push(key);
      }
      if (text && hasKeywordMatch(text)) return statusFromKeywords(text);
      return keepCustoms(fallback ?? statusFromKeywords(text), text);
    },
  };
}
