import { describe, expect, it } from '@jest/globals';
import { EVENT_TYPES, isCarrierFaultReturn, parseEvent, RETURN_CAUSES, safeParseExceptionFacts, type ExceptionOpenedEvent } from '../src/index.js';
import { SAMPLE_EVENTS } from './sample-events.js';

function openedWith(kind: string, facts: unknown): unknown {
  const raw = structuredClone(SAMPLE_EVENTS[EVENT_TYPES.exceptionOpened]);
  raw.data = { ...(raw.data as object), kind, facts };
  return raw;
}

/** A consumer narrows by kind and reads typed facts (compile-time, exercised at runtime). */
function returnCauseOf(event: ExceptionOpenedEvent): string | null {
  return event.data.kind === 'returning' ? `${event.data.facts.cause}:${String(event.data.facts.carrierFault)}` : null;
}

describe('exception facts (one schema per kind)', () => {
  it('a returning exception carries its cause and whether the carrier is at fault', () => {
    const result = parseEvent('shipment.exceptions', openedWith('returning', { cause: 'damaged', carrierFault: true, causeCode: 'ups:059' }));
    expect(result.ok).toBe(true);
    if (result.ok && result.event.type === EVENT_TYPES.exceptionOpened) expect(returnCauseOf(result.event)).toBe('damaged:true');
  });

  it('an older returning event with empty facts still parses, as an unknown cause and no fault', () => {
    const result = parseEvent('shipment.exceptions', openedWith('returning', {}));
    expect(result.ok).toBe(true);
    if (result.ok && result.event.type === EVENT_TYPES.exceptionOpened) expect(returnCauseOf(result.event)).toBe('unknown:false');
  });

  it('an older customs or pickup event without reminder counts still parses', () => {
    expect(parseEvent('shipment.exceptions', openedWith('customs_hold', { carrierReason: 'duties_unpaid' })).ok).toBe(true);
    expect(parseEvent('shipment.exceptions', openedWith('customs_hold', { hoursInCustoms: 50, thresholdHours: 48 })).ok).toBe(true);
    expect(parseEvent('shipment.exceptions', openedWith('pickup_uncollected', { daysAtPickupPoint: 5.5, thresholdDays: 5 })).ok).toBe(true);
  });

  it('refuses facts that do not fit the kind, naming the field', () => {
    const bad = parseEvent('shipment.exceptions', openedWith('returning', { cause: 'gremlins' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toContain('data.facts.cause');
    const wrongKind = parseEvent('shipment.exceptions', openedWith('stalled', { cause: 'damaged' }));
    expect(wrongKind.ok).toBe(false);
    if (!wrongKind.ok) expect(wrongKind.reason).toContain('data.facts.daysWithoutScan');
  });

  it('parses stored facts for their kind, with a reason when they do not fit', () => {
    expect(safeParseExceptionFacts('lost', { carrierReason: 'destroyed' })).toEqual({ ok: true, facts: { carrierReason: 'destroyed' } });
    const bad = safeParseExceptionFacts('late', { daysLate: 'four' });
    expect(bad.ok).toBe(false);
  });

  it('splits return causes into carrier fault and the rest', () => {
    expect(RETURN_CAUSES.filter(isCarrierFaultReturn)).toEqual(['damaged', 'lost', 'label_unreadable', 'misrouted', 'carrier_error']);
  });
});
