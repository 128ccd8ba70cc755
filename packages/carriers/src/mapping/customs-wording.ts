import type { MilestoneStatus } from '@parcelwatch/contracts';

/*
 * Customs events read from a carrier's wording. One home for the customs stages so every
 * provider reads them alike: the keyword fallback uses it for events without a known code,
 * and the status resolver uses it to keep a customs event from being filed under another
 * stage by a coarse or wrong code (a UPS activity "released by the customs agency" under a
 * label code, a DHL `transit`, a 17TRACK InTransit_Other).
 */

export const CUSTOMS_REASONS: ReadonlySet<string | null> = new Set([
  'customs_processing',
  'customs_released',
  'customs_hold',
  'customs_documents_required',
  'duties_unpaid',
]);

const HOLD: MilestoneStatus = { milestone: 'exception', reason: 'customs_hold' };
const RELEASED: MilestoneStatus = { milestone: 'in_transit', reason: 'customs_released' };
const PROCESSING: MilestoneStatus = { milestone: 'in_transit', reason: 'customs_processing' };
const DOCUMENTS: MilestoneStatus = { milestone: 'exception', reason: 'customs_documents_required' };
const DUTIES: MilestoneStatus = { milestone: 'exception', reason: 'duties_unpaid' };

/**
 * Words that make an event a customs event: customs itself, clearance, the agencies and brokers
 * that clear. Duties alone do not ("Delivered, duties paid" is a delivery); duties owed do.
 */
const CUSTOMS_CONTEXT = /customs|clearance|(international|import|export) (shipment )?release|clearing (agency|agent|broker)|(government|regulatory|border) agenc(y|ies)|\bbroker(age)?\b|海关|清关|报关|扣关|关税/i;
const DUTIES_OWED =
  /\b(duties|duty|import tax(es)?|vat)\b.*\b(unpaid|due|payment|pay|owed|outstanding)\b|\b(unpaid|payment|pay|owed|outstanding)\b.*\b(duties|duty|import tax(es)?|vat)\b|(缴纳|支付)关税/i;

type Reading = readonly [RegExp, MilestoneStatus];

const DOCUMENTS_ASKED =
  /((documents?|documentation|information|invoices?|paperwork|tax id|identification|id card)\s+(is |are )?(required|needed|missing|requested|incomplete))|((requires?|needs?|awaiting|missing|provide|requests?|request for)\s+(the |a |an )?(further |additional |more |correct |valid )?(documents?|documentation|information|invoices?|paperwork|tax id|identification))|补充(资料|材料|文件)|需(要)?提供/i;

/** First match wins: what is asked of someone, then a release not yet given, then the rest. */
const READINGS: readonly Reading[] = [
  [DOCUMENTS_ASKED, DOCUMENTS],
  // "pending release", "not yet released", "once released we will deliver": a release not given.
  [/\b(pending|awaiting|waiting for|until|before|once|not (yet )?(been )?)\s*(the )?releas(e|ed)\b/i, HOLD],
  [/\b(released|cleared)\b|clearance (processing )?(is )?(completed?|complete|finished|success(ful)?|done)|(international|import) (shipment )?release|清关(完成|成功)|海关放行|已放行/i, RELEASED],
  [/\b(held|hold|detained|detention|seized|seizure|delay(ed)?|refused entry)\b|扣留|扣关|扣押|查验/i, HOLD],
];

/** The customs stage an event's text names; null when the text is not about customs. */
export function customsStatusFromText(text: string | null | undefined): MilestoneStatus | null {
  if (!text) return null;
  const customs = CUSTOMS_CONTEXT.test(text);
  if (DUTIES_OWED.test(text) && !(customs && DOCUMENTS_ASKED.test(text))) return DUTIES;
  if (!customs) return null;
  for (const [pattern, status] of READINGS) if (pattern.test(text)) return status;
  return PROCESSING;
}
