import * as crypto from 'node:crypto';
import type { NormalizedCheckpoint } from './mapped-tracking.js';

export type FingerprintInput = Pick<NormalizedCheckpoint, 'occurredAt' | 'milestone' | 'reason' | 'location' | 'rawCode'>;

function normalizeText(value: string | null | undefined): string {
  return (value ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** One-shot `crypto.hash` (Node 20.12+) where present: no Hash object per scan. */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text).digest('hex');

/**
 * A stable identity for "the same scan", used to dedupe checkpoints that arrive twice (poll
 * and webhook, a re-sent page, an aggregator re-sync). Lowercase hex SHA-256 over:
 * shipment key, instant truncated to the minute, milestone, city and country (case, accents
 * and punctuation folded) and the raw code (trimmed, upper case); the reason only when the
 * scan has no code.
 *
 * Deliberately NOT included:
 * - the raw text: carriers and aggregators edit wording after the fact ("Arrived at facility"
 *   becomes "Arrived at FedEx location", translations get fixed); hashing it would turn one
 *   scan into two timeline entries and two buyer notifications.
 * - the reason, when there is a code: the code decides the milestone, and a generic code's
 *   reason is refined from the wording ("Delivered" -> "Left at front door"), so an edited
 *   wording would otherwise read as a new scan. Without a code, the reason is all there is.
 * - seconds: some feeds round or drop them between a poll and a webhook of the same scan.
 * - the location's free text, region and postal code: formatting varies between sources
 *   ("RECIFE, PE" vs "Recife - PE") while city and country stay put.
 * Two different scans in the same minute, place and status with the same code are treated
 * as one; that loses nothing a buyer or an appeal needs.
 */
export function checkpointFingerprint(shipmentKey: string, checkpoint: FingerprintInput): string {
  const code = (checkpoint.rawCode ?? '').trim().toUpperCase();
  const parts = [
    shipmentKey,
    checkpoint.occurredAt.slice(0, 16),
    checkpoint.milestone,
    code ? '' : (checkpoint.reason ?? ''),
    normalizeText(checkpoint.location.city),
    checkpoint.location.countryCode ?? '',
    code,
  ];
  return sha256Hex(JSON.stringify(parts));
}
