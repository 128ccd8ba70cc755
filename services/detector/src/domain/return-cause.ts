import { isCarrierFaultReturn, type Provider, type ReturnCause } from '@parcelwatch/contracts';
import { RETURN_CAUSE_CODES } from './return-cause.codes.js';
import { returnCauseFromText } from './return-cause.text.js';

/** One checkpoint of the timeline, as the classifier reads it (no location: it names no cause). */
export interface CheckpointEvidence {
  provider: Provider;
  milestone: string;
  reason: string | null;
  rawCode: string | null;
  rawText: string;
}

export interface ReturnCauseFinding {
  cause: ReturnCause;
  carrierFault: boolean;
  /** `provider:code` of the checkpoint that showed the cause; null when only its text or the journey did. */
  causeCode: string | null;
}

/** How far back before the first return scan a cause is looked for: the events that led to it. */
export const RETURN_LOOKBACK = 6;

/** Normalized reasons (and the pickup milestone) that explain a later return on their own. */
const CAUSE_BY_REASON: Readonly<Record<string, ReturnCause>> = {
  damaged: 'damaged',
  lost: 'lost',
  refused: 'refused',
  address_issue: 'address_issue',
  recipient_unavailable: 'unclaimed',
  business_closed: 'unclaimed',
  at_pickup_point: 'unclaimed',
  security: 'customs',
  customs_hold: 'customs',
  customs_documents_required: 'customs',
  duties_unpaid: 'customs',
  held_for_payment: 'customs',
  cancelled: 'sender_recall',
};

const isReturnScan = (checkpoint: CheckpointEvidence): boolean =>
  checkpoint.milestone === 'exception' && (checkpoint.reason === 'returning' || checkpoint.reason === 'returned');

interface Signal {
  cause: ReturnCause;
  causeCode: string | null;
}

/** The carrier's code first (the most specific), then its text, then the normalized reason. */
function signalOf(checkpoint: CheckpointEvidence): Signal | null {
  const code = checkpoint.rawCode?.trim() ?? '';
  const byCode = code === '' ? undefined : RETURN_CAUSE_CODES[checkpoint.provider][code];
  const causeCode = code === '' ? null : `${checkpoint.provider}:${code}`.slice(0, 120);
  if (byCode !== undefined) return { cause: byCode, causeCode };
  const byText = returnCauseFromText(checkpoint.rawText);
  if (byText !== null) return { cause: byText, causeCode };
  const byReason = checkpoint.reason === null ? undefined : CAUSE_BY_REASON[checkpoint.reason];
  return byReason === undefined ? null : { cause: byReason, causeCode };
}

/** Damage or loss in the carrier's hands explains whatever followed (a buyer refusing a broken parcel). */
const OVERRIDING: ReadonlySet<ReturnCause> = new Set(['damaged', 'lost']);

/**
 * Why a parcel is going (or went) back to the sender, from its timeline in event-time order.
 * Reads the return scans themselves (USPS and UPS put the reason there) and the few events before
 * the first one. Damage or loss anywhere in that window wins; otherwise the signal nearest to the
 * return does. Nothing found: `unknown`, which is not the carrier's fault (no refund on a guess).
 */
export function classifyReturn(timeline: readonly CheckpointEvidence[]): ReturnCauseFinding {
  const first = timeline.findIndex(isReturnScan);
  const start = first === -1 ? timeline.length : first;
  // Nearest first: the return scans in order, then the events before them, newest first.
  const returnScans = first === -1 ? [] : timeline.slice(first).filter(isReturnScan);
  const before = timeline.slice(Math.max(0, start - RETURN_LOOKBACK), start).reverse();
  const signals = [...returnScans, ...before].map(signalOf).filter((signal): signal is Signal => signal !== null);
  const chosen = signals.find((signal) => OVERRIDING.has(signal.cause)) ?? signals[0];
  if (chosen === undefined) return { cause: 'unknown', carrierFault: false, causeCode: null };
  return { cause: chosen.cause, carrierFault: isCarrierFaultReturn(chosen.cause), causeCode: chosen.causeCode };
}
