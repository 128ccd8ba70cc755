import { S10_OPERATORS } from '@parcelwatch/carriers';

/**
 * Postal lanes stall longer before anyone should worry (ARCHITECTURE.md: 7 days instead of 5):
 * national posts hand parcels between operators under the UPU S10 scheme with long gaps and
 * batch scanning. A carrier counts as postal when it is one of the S10 operators our
 * detection knows (china-post, usps, royal-mail, ...), any other national post by its
 * `upu-<cc>` fallback slug, or China Post's EMS arm. Couriers (ups, fedex, dhl, yunexpress,
 * ...) and consolidators are not, even when they inject into a post for the last mile.
 */
const POSTAL_CARRIERS: ReadonlySet<string> = new Set([...Object.values(S10_OPERATORS), 'china-ems']);

export function isPostalCarrier(carrier: string): boolean {
  return POSTAL_CARRIERS.has(carrier) || carrier.startsWith('upu-');
}
