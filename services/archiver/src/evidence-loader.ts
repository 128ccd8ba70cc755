import type { ProofKind } from '@parcelwatch/contracts';
import {
  listArchivedSnapshots,
  loadProofAttempts,
  loadProofCommunications,
  loadProofCompensations,
  loadProofExceptions,
  loadProofTimeline,
  type ProofEvidenceExecutor,
  type ProofShipment,
} from '@parcelwatch/db';
import { formatOffset, type ProofEvidence } from './bundle/proof-evidence.js';

const iso = (at: Date | null): string | null => (at === null ? null : at.toISOString());

/**
 * Reads a bundle's evidence: the timeline up to `timelineUpTo` (the trigger's instant), and
 * snapshots, messages, exceptions and compensations up to `cutoff` (when the trigger was known).
 */
export async function loadEvidence(
  db: ProofEvidenceExecutor,
  shipment: ProofShipment,
  kind: ProofKind,
  timelineUpTo: Date,
  cutoff: Date,
): Promise<ProofEvidence> {
  const [timeline, snapshots, communications, attempts, exceptions, compensations] = await Promise.all([
    loadProofTimeline(db, shipment.id, timelineUpTo),
    listArchivedSnapshots(db, shipment.id, cutoff),
    loadProofCommunications(db, shipment.id, cutoff),
    loadProofAttempts(db, shipment.id, cutoff),
    loadProofExceptions(db, shipment.id, cutoff),
    loadProofCompensations(db, shipment.id, cutoff),
  ]);
  return {
    kind,
    cutoff: cutoff.toISOString(),
    shipment: {
      shipmentId: shipment.id,
      merchantId: shipment.merchant_id,
      orderRef: shipment.order_id,
      trackingNumber: shipment.tracking_number,
      carrier: shipment.carrier,
      provider: shipment.provider,
      originCountry: shipment.origin_country,
      destinationCountry: shipment.destination_country,
      status: shipment.status,
      buyerTimeZone: shipment.buyer_timezone,
    },
    timeline: timeline.map((c) => ({
      checkpointId: c.id,
      occurredAt: c.occurred_at.toISOString(),
      localTime: c.local_time,
      utcOffset: formatOffset(c.utc_offset_minutes),
      zoneUnknown: c.zone_unknown,
      milestone: c.milestone,
      reason: c.reason,
      location: { text: c.location_text, city: c.city, region: c.state, postalCode: c.postal_code, countryCode: c.country },
      rawCode: c.raw_code,
      rawText: c.raw_text,
      source: c.source,
      provider: c.provider,
      snapshotId: c.snapshot_id,
    })),
    snapshots: snapshots.map((s) => ({
      snapshotId: s.snapshotId,
      key: s.blobKey,
      sha256: s.archivedSha256,
      receivedSha256: s.receivedSha256,
      fetchedAt: s.fetchedAt.toISOString(),
      contentType: s.contentType,
      size: s.byteSize,
    })),
    communications: communications.map((m) => ({
      notificationId: m.id,
      trigger: m.trigger,
      channel: m.channel,
      template: m.template,
      locale: m.locale,
      status: m.status,
      scheduledFor: m.scheduled_for.toISOString(),
      sentAt: iso(m.sent_at),
      providerMessageId: m.provider_message_id,
      bodySha256: m.body_sha256,
      attempts: m.attempts,
      attemptLog: attempts
        .filter((a) => a.notification_id === m.id)
        .map((a) => ({
          attempt: a.attempt,
          status: a.status,
          at: a.at.toISOString(),
          providerMessageId: a.provider_message_id,
          bodySha256: a.body_sha256,
          errorCode: a.error_code,
          retriable: a.retriable,
          deferReason: a.defer_reason,
          deferredUntil: iso(a.deferred_until),
        })),
    })),
    exceptions: exceptions.map((e) => ({
      exceptionId: e.id,
      kind: e.kind,
      status: e.status,
      severity: e.severity,
      openedAt: e.opened_at.toISOString(),
      escalatedAt: iso(e.escalated_at),
      escalationCount: e.escalation_count,
      resolvedAt: iso(e.resolved_at),
      resolution: e.resolution,
    })),
    compensations: compensations.map((c) => ({
      compensationId: c.id,
      tier: c.tier,
      status: c.status,
      action: c.action,
      amount: { amountMinor: c.amount_minor, currency: c.currency.trim() },
      channel: c.channel,
      approvalLevel: c.approval_level,
      ruleFired: c.rule_fired,
      policyVersion: c.policy_version,
      decidedAt: c.decided_at.toISOString(),
      approverRole: c.approver_role,
      approvedAt: iso(c.approved_at),
      rejectedReason: c.rejected_reason,
      cancelledReason: c.cancelled_reason,
      executedAt: iso(c.executed_at),
      externalRef: c.external_ref,
    })),
  };
}
