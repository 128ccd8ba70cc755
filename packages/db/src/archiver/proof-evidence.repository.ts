import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../database.js';

/*
 * What a proof bundle is made of, read for one shipment up to a cut-off instant. Only columns
 * that are evidence: no buyer contact data (addresses, names) ever enters a bundle.
 */

export type ProofEvidenceExecutor = Kysely<Database> | Transaction<Database>;

export async function loadProofShipment(db: ProofEvidenceExecutor, shipmentId: string) {
  return db
    .selectFrom('shipments')
    .select(['id', 'merchant_id', 'order_id', 'tracking_number', 'carrier', 'provider', 'origin_country', 'destination_country', 'status', 'buyer_timezone'])
    .where('id', '=', shipmentId)
    .executeTakeFirst();
}
export type ProofShipment = NonNullable<Awaited<ReturnType<typeof loadProofShipment>>>;

/** One checkpoint by its key (occurred_at prunes the partitions). */
export async function findCheckpointForProof(db: ProofEvidenceExecutor, checkpointId: string, occurredAt: Date) {
  return db
    .selectFrom('checkpoints')
    .select(['id', 'shipment_id', 'snapshot_id', 'occurred_at'])
    .where('id', '=', checkpointId)
    .where('occurred_at', '=', occurredAt)
    .executeTakeFirst();
}

/** The timeline up to `upTo`, in event-time order (ties broken by id, so the order is stable). */
export async function loadProofTimeline(db: ProofEvidenceExecutor, shipmentId: string, upTo: Date) {
  return db
    .selectFrom('checkpoints')
    .select([
      'id', 'occurred_at', 'local_time', 'utc_offset_minutes', 'zone_unknown', 'milestone', 'reason', 'location_text', 'city',
      'state', 'country', 'postal_code', 'raw_code', 'raw_text', 'source', 'provider', 'snapshot_id',
    ])
    .where('shipment_id', '=', shipmentId)
    .where('occurred_at', '<=', upTo)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
}
export type ProofTimelineRow = Awaited<ReturnType<typeof loadProofTimeline>>[number];

/** Messages scheduled up to `upTo`: the columns of migration 0803 that are evidence, no addresses. */
export async function loadProofCommunications(db: ProofEvidenceExecutor, shipmentId: string, upTo: Date) {
  return db
    .selectFrom('notifications')
    .select(['id', 'trigger', 'channel', 'template', 'locale', 'status', 'scheduled_for', 'sent_at', 'provider_message_id', 'body_sha256', 'attempts'])
    .where('shipment_id', '=', shipmentId)
    .where('scheduled_for', '<=', upTo)
    .orderBy('scheduled_for')
    .orderBy('id')
    .execute();
}
export type ProofCommunicationRow = Awaited<ReturnType<typeof loadProofCommunications>>[number];

/** Every send attempt (sent, failed, deferred) of the shipment's messages up to `upTo`: the communication log proper. */
export async function loadProofAttempts(db: ProofEvidenceExecutor, shipmentId: string, upTo: Date) {
  return db
    .selectFrom('notification_attempts as a')
    .innerJoin('notifications as n', 'n.id', 'a.notification_id')
    .select(['a.notification_id', 'a.attempt', 'a.status', 'a.at', 'a.provider_message_id', 'a.body_sha256', 'a.error_code', 'a.retriable', 'a.defer_reason', 'a.deferred_until'])
    .where('n.shipment_id', '=', shipmentId)
    .where('a.at', '<=', upTo)
    .orderBy('a.at')
    .orderBy('a.id')
    .execute();
}

export async function loadProofExceptions(db: ProofEvidenceExecutor, shipmentId: string, upTo: Date) {
  return db
    .selectFrom('exceptions')
    .select(['id', 'kind', 'status', 'severity', 'opened_at', 'escalated_at', 'escalation_count', 'resolved_at', 'resolution'])
    .where('shipment_id', '=', shipmentId)
    .where('opened_at', '<=', upTo)
    .orderBy('opened_at')
    .orderBy('id')
    .execute();
}
export type ProofExceptionRow = Awaited<ReturnType<typeof loadProofExceptions>>[number];

export async function loadProofCompensations(db: ProofEvidenceExecutor, shipmentId: string, upTo: Date) {
  return db
    .selectFrom('compensations')
    .select([
      'id', 'tier', 'status', 'action', 'amount_minor', 'currency', 'channel', 'approval_level', 'rule_fired', 'policy_version',
      'decided_at', 'approver_role', 'approved_at', 'rejected_reason', 'cancelled_reason', 'executed_at', 'external_ref',
    ])
    .where('shipment_id', '=', shipmentId)
    .where('decided_at', '<=', upTo)
    .orderBy('decided_at')
    .orderBy('id')
    .execute();
}
export type ProofCompensationRow = Awaited<ReturnType<typeof loadProofCompensations>>[number];
