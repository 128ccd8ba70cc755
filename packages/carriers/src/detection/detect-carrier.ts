import { chinaCrossBorder } from './china-cross-border.rules.js';
import type { DetectionCandidate, DetectionRule } from './detection-candidate.js';
import { dhl } from './dhl.rules.js';
import { europeanParcel } from './european-parcel.rules.js';
import { fedex } from './fedex.rules.js';
import { postal } from './postal.rules.js';
import { sscc } from './sscc.rules.js';
import { ups } from './ups.rules.js';
import { usps } from './usps.rules.js';

export type { DetectionCandidate } from './detection-candidate.js';

/** Upper case, with spaces, dashes, dots and underscores (as people paste them) removed. */
export function normalizeTrackingNumber(input: string): string {
  return input.toUpperCase().replace(/[\s\-._]/g, '');
}

const RULES: readonly DetectionRule[] = [ups, postal, usps, fedex, sscc, dhl, europeanParcel, chinaCrossBorder];

/**
 * Every carrier this number could belong to, best first. An empty list means no known format
 * matched; several entries mean the number is ambiguous and the caller must not pick blindly
 * (e.g. ask the aggregator's auto-detection, or the merchant). One entry per carrier and
 * normalized number: the best-scoring reading.
 */
export function detectCarrier(input: string): DetectionCandidate[] {
  const value = normalizeTrackingNumber(input);
  if (!/^[A-Z0-9]{6,40}$/.test(value)) return [];
  const best = new Map<string, DetectionCandidate>();
  for (const item of RULES.flatMap((rule) => rule(value))) {
    const key = `${item.carrier}|${item.normalized}`;
    const previous = best.get(key);
    if (!previous || previous.confidence < item.confidence) best.set(key, item);
  }
  return [...best.values()].sort((a, b) => b.confidence - a.confidence || a.carrier.localeCompare(b.carrier));
}
