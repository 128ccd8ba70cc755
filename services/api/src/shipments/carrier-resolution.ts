import { detectCarrier, type DetectionCandidate } from '@parcelwatch/carriers';

export interface CarrierCandidateView {
  carrier: string;
  confidence: number;
  format: string;
}

export type CarrierResolution =
  | { ok: true; carrier: string }
  | { ok: false; code: 'carrier_undetected' | 'carrier_ambiguous'; message: string; candidates: CarrierCandidateView[] };

/**
 * How far the best reading must outrank the next carrier's to be taken without asking. The
 * detector scores a passing check digit about 0.3 above a format-only match, so a clear
 * winner passes and two format-only readings (a China cross-border prefix) do not.
 */
const CLEAR_LEAD = 0.2;
/** Below this the only reading is a failed check digit or a bare length match: more likely a typo than that carrier. */
const MIN_CONFIDENCE = 0.5;

/**
 * The merchant's carrier when given; otherwise the detector's, refusing to guess between close
 * readings. `detected` saves a second detection when the caller already ran it.
 */
export function resolveCarrier(trackingNumber: string, given: string | undefined, detected?: readonly DetectionCandidate[]): CarrierResolution {
  if (given !== undefined) return { ok: true, carrier: given };
  const best = new Map<string, CarrierCandidateView>();
  for (const candidate of detected ?? detectCarrier(trackingNumber)) {
    if (!best.has(candidate.carrier)) {
      best.set(candidate.carrier, { carrier: candidate.carrier, confidence: candidate.confidence, format: candidate.format });
    }
  }
  const candidates = [...best.values()];
  const [first, second] = candidates;
  if (first === undefined) {
    return { ok: false, code: 'carrier_undetected', message: 'carrier could not be detected from the tracking number; pass carrier', candidates };
  }
  const clearLead = second === undefined || first.confidence - second.confidence >= CLEAR_LEAD;
  if (clearLead && first.confidence >= MIN_CONFIDENCE) return { ok: true, carrier: first.carrier };
  const readings = candidates.map((c) => `${c.carrier} (${c.confidence})`).join(', ');
  return {
    ok: false,
    code: 'carrier_ambiguous',
    message: `carrier is ambiguous or uncertain for this tracking number: ${readings}; pass carrier`,
    candidates,
  };
}
