import type { Trigger } from './tier.rules.js';

/*
 * A decision to pay is taken on the database's state of the shipment, not on the event that
 * asked: anyone who can write to the broker can publish a delay or exception event. The event
 * names the shipment and what happened; the detector's own record (the days late it observed,
 * the exceptions it opened, in the transaction that produced the event) must agree, and the
 * tier is decided from the record where the two differ.
 */

export type RefusalReason = 'unknown_shipment' | 'merchant_mismatch' | 'not_late_on_record' | 'exception_not_on_record' | 'exception_cleared';

export interface ShipmentOnRecord {
  merchantId: string;
}

export interface ExceptionOnRecord {
  shipmentId: string;
  kind: string;
  status: 'open' | 'escalated' | 'resolved';
  resolution: string | null;
  /** `{ ruleFired, facts }` as the detector recorded them. */
  details: Record<string, unknown>;
}

export interface TriggerClaim {
  shipmentId: string;
  /** The envelope's merchantid. */
  merchantId: string;
  trigger: Trigger;
  /** The exception the event names (exception events only). */
  exceptionId: string | null;
}

export interface TriggerRecord {
  shipment: ShipmentOnRecord | undefined;
  /** Most days late observed per reference (0: never). */
  daysLate: { promised: number; estimated: number } | undefined;
  exception: ExceptionOnRecord | undefined;
}

export type FactCheck = { ok: true; trigger: Trigger } | { ok: false; reason: RefusalReason; detail: string };

/** Resolutions that say the exception was a false alarm or cleared by hand: nothing to compensate. */
const CLEARED = new Set(['progressed', 'manual']);

export function checkTriggerFacts(claim: TriggerClaim, record: TriggerRecord): FactCheck {
  if (record.shipment === undefined) return { ok: false, reason: 'unknown_shipment', detail: `no shipment ${claim.shipmentId}` };
  if (record.shipment.merchantId !== claim.merchantId) {
    return { ok: false, reason: 'merchant_mismatch', detail: `the event names merchant ${claim.merchantId}; the shipment belongs to another` };
  }
  const { trigger } = claim;
  if (trigger.kind === 'delay') {
    const recorded = record.daysLate?.[trigger.against] ?? 0;
    if (recorded < 1) {
      return { ok: false, reason: 'not_late_on_record', detail: `the event claims ${trigger.daysLate} days late against the ${trigger.against} date; the record shows it not late` };
    }
    // The record caps the claim: a forged "20 days late" for a parcel 4 days late earns tier 1 at most.
    return { ok: true, trigger: { ...trigger, daysLate: Math.min(trigger.daysLate, recorded) } };
  }
  const exception = record.exception;
  if (exception === undefined || exception.shipmentId !== claim.shipmentId || exception.kind !== trigger.exceptionKind) {
    return { ok: false, reason: 'exception_not_on_record', detail: `no ${trigger.exceptionKind} exception ${claim.exceptionId ?? '(none named)'} on record for this shipment` };
  }
  if (exception.status === 'resolved' && CLEARED.has(exception.resolution ?? '')) {
    return { ok: false, reason: 'exception_cleared', detail: `the ${trigger.exceptionKind} exception was resolved as ${exception.resolution}` };
  }
  const factsOnRecord = exception.details['facts'] as { cause?: unknown } | undefined;
  if (trigger.returned !== null && factsOnRecord?.cause !== trigger.returned.cause) {
    return { ok: false, reason: 'exception_not_on_record', detail: `the event's return cause ${trigger.returned.cause} is not the one on record` };
  }
  return { ok: true, trigger };
}
