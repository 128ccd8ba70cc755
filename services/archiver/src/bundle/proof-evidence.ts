import type { ProofKind } from '@parcelwatch/contracts';

/*
 * What a bundle proves, in the archive's own terms (read from the database by the proof
 * archive, turned into parts here). No buyer contact data: no names, emails, phones, addresses.
 */

export interface EvidenceShipment {
  shipmentId: string;
  merchantId: string;
  orderRef: string;
  trackingNumber: string;
  carrier: string;
  provider: string;
  originCountry: string | null;
  destinationCountry: string | null;
  status: string;
  buyerTimeZone: string;
}

export interface EvidenceCheckpoint {
  checkpointId: string;
  occurredAt: string;
  /** The carrier's wall-clock time where the scan happened, and its UTC offset ("+08:00"). */
  localTime: string | null;
  utcOffset: string | null;
  zoneUnknown: boolean;
  milestone: string;
  reason: string | null;
  location: { text: string | null; city: string | null; region: string | null; postalCode: string | null; countryCode: string | null };
  rawCode: string | null;
  rawText: string | null;
  source: string;
  provider: string;
  snapshotId: string | null;
}

export interface EvidenceSnapshot {
  snapshotId: string;
  key: string;
  sha256: string;
  receivedSha256: string;
  fetchedAt: string;
  contentType: string;
  size: number;
}

export interface EvidenceMessage {
  notificationId: string;
  trigger: string;
  channel: string;
  template: string;
  locale: string;
  status: string;
  scheduledFor: string;
  sentAt: string | null;
  providerMessageId: string | null;
  bodySha256: string | null;
  attempts: number;
  /** Each try up to the cut-off: sent, failed (with the error code) or deferred (why, until when). */
  attemptLog: EvidenceAttempt[];
}

export interface EvidenceAttempt {
  attempt: number;
  status: string;
  at: string;
  providerMessageId: string | null;
  bodySha256: string | null;
  errorCode: string | null;
  retriable: boolean | null;
  deferReason: string | null;
  deferredUntil: string | null;
}

export interface EvidenceException {
  exceptionId: string;
  kind: string;
  status: string;
  severity: string;
  openedAt: string;
  escalatedAt: string | null;
  escalationCount: number;
  resolvedAt: string | null;
  resolution: string | null;
}

export interface EvidenceCompensation {
  compensationId: string;
  tier: number;
  status: string;
  action: string;
  amount: { amountMinor: number; currency: string };
  channel: string;
  approvalLevel: string;
  ruleFired: string;
  policyVersion: string;
  decidedAt: string;
  approverRole: string | null;
  approvedAt: string | null;
  rejectedReason: string | null;
  cancelledReason: string | null;
  executedAt: string | null;
  externalRef: string | null;
}

export interface ProofEvidence {
  kind: ProofKind;
  /** Everything up to this instant is in the bundle. */
  cutoff: string;
  shipment: EvidenceShipment;
  timeline: EvidenceCheckpoint[];
  snapshots: EvidenceSnapshot[];
  communications: EvidenceMessage[];
  exceptions: EvidenceException[];
  compensations: EvidenceCompensation[];
}

export function formatOffset(minutes: number | null): string | null {
  if (minutes === null) return null;
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
