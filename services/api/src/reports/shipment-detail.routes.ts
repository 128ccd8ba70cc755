import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { DateTime, FixedOffsetZone } from 'luxon';
import { safeParseExceptionFacts, type ExceptionKind } from '@parcelwatch/contracts';
import { loadShipmentDetail, type Checkpoint, type Database, type Proof, type ShipmentDetailRows } from '@parcelwatch/db';
import { type Clock } from '@parcelwatch/service-kit';
import { canAccessMerchant } from '@parcelwatch/access';
import { describeQueryIssues, shipmentParamsSchema } from './report-query.schema.js';

/** The part of the archive's BlobStore port the detail needs (structurally a BlobStore). */
export interface ProofLinks {
  presignGet(key: string, ttlSeconds: number, options?: { downloadAs?: string }): Promise<string>;
}

/** Proof links live five minutes: long enough to click, short enough that a pasted link dies soon. */
export const PROOF_LINK_TTL_SECONDS = 300;

const iso = (value: Date | null) => value?.toISOString() ?? null;

/** Both times of a scan: the UTC instant, and the carrier's local wall time with its offset when the carrier gave a zone. */
export function timelineEntry(checkpoint: Checkpoint) {
  const offset = checkpoint.zone_unknown ? null : checkpoint.utc_offset_minutes;
  return {
    occurredAt: checkpoint.occurred_at.toISOString(),
    localTime: checkpoint.local_time,
    utcOffsetMinutes: offset,
    zoneUnknown: checkpoint.zone_unknown,
    // The instant shown on the carrier's clock, e.g. 2026-03-01T14:05:00.000+08:00.
    localIso: offset === null ? null : DateTime.fromJSDate(checkpoint.occurred_at).setZone(FixedOffsetZone.instance(offset)).toISO(),
    milestone: checkpoint.milestone,
    reason: checkpoint.reason,
    location: { text: checkpoint.location_text, city: checkpoint.city, state: checkpoint.state, country: checkpoint.country, postalCode: checkpoint.postal_code },
    rawCode: checkpoint.raw_code,
    rawText: checkpoint.raw_text,
    source: checkpoint.source,
    provider: checkpoint.provider,
  };
}

interface ManifestPartRef {
  name?: unknown;
  key?: unknown;
  sha256?: unknown;
  size?: unknown;
  contentType?: unknown;
}

async function proofView(proof: Proof, links: ProofLinks | undefined, expiresAt: string) {
  // A followed link saves the file under its own name (a JSON manifest would otherwise open in the browser).
  const link = async (key: string) => (links === undefined ? null : links.presignGet(key, PROOF_LINK_TTL_SECONDS, { downloadAs: key.slice(key.lastIndexOf('/') + 1) }));
  const parts = (proof.parts as ManifestPartRef[]).filter((part) => typeof part.key === 'string');
  return {
    id: proof.id,
    kind: proof.kind,
    createdAt: proof.created_at.toISOString(),
    manifestSha256: proof.manifest_sha256,
    previousSha256: proof.previous_sha256,
    retainUntil: iso(proof.retain_until),
    manifest: { key: proof.object_key, downloadUrl: await link(proof.object_key) },
    parts: await Promise.all(
      parts.map(async (part) => ({
        name: part.name,
        sha256: part.sha256,
        size: part.size,
        contentType: part.contentType,
        key: part.key as string,
        downloadUrl: await link(part.key as string),
      })),
    ),
    linksExpireAt: links === undefined ? null : expiresAt,
  };
}

/**
 * The rule that fired and its facts (e.g. a return's cause and whether the carrier is at fault),
 * read with the contract's schema for the kind; facts a newer or older detector wrote that do not
 * fit are shown as null rather than guessed at.
 */
function exceptionEvidence(kind: ExceptionKind, details: Record<string, unknown>): { ruleFired: string | null; facts: Record<string, unknown> | null } {
  const ruleFired = typeof details['ruleFired'] === 'string' ? details['ruleFired'] : null;
  const parsed = safeParseExceptionFacts(kind, details['facts'] ?? {});
  return { ruleFired, facts: parsed.ok ? parsed.facts : null };
}

/** The detail as ops read it. No buyer contact details: the detail is not where PII is served. */
export async function shipmentDetailView(rows: ShipmentDetailRows, links: ProofLinks | undefined, now: DateTime) {
  const { shipment: s } = rows;
  const expiresAt = now.plus({ seconds: PROOF_LINK_TTL_SECONDS }).toUTC().toISO() ?? '';
  return {
    shipment: {
      id: s.id,
      merchantId: s.merchant_id,
      orderId: s.order_id,
      trackingNumber: s.tracking_number,
      carrier: s.carrier,
      provider: s.provider,
      originCountry: s.origin_country,
      destinationCountry: s.destination_country,
      milestone: s.status,
      reason: s.status_reason,
      statusAt: iso(s.status_at),
      lastCheckpointAt: iso(s.last_checkpoint_at),
      deliveredAt: iso(s.delivered_at),
      promisedDeliveryDate: s.promised_delivery_date,
      estimatedDeliveryAt: iso(s.estimated_delivery_at),
      buyerTimezone: s.buyer_timezone,
      orderValue: s.order_value_minor === null ? null : { amountMinor: s.order_value_minor, currency: s.order_currency },
      active: s.active,
      /** Why the poller cannot poll it (`no carrier account for <provider>`), or null. */
      pollProblem: s.poll_problem,
      createdAt: s.created_at.toISOString(),
    },
    timeline: rows.checkpoints.map(timelineEntry),
    exceptions: rows.exceptions.map((e) => ({
      id: e.id,
      kind: e.kind,
      status: e.status,
      severity: e.severity,
      openedAt: e.opened_at.toISOString(),
      escalatedAt: iso(e.escalated_at),
      escalationCount: e.escalation_count,
      resolvedAt: iso(e.resolved_at),
      resolution: e.resolution,
      ...exceptionEvidence(e.kind, e.details),
    })),
    notifications: rows.notifications.map((n) => ({
      id: n.id,
      trigger: n.trigger,
      channel: n.channel,
      template: n.template,
      locale: n.locale,
      status: n.status,
      occurredAt: n.occurred_at.toISOString(),
      scheduledFor: n.scheduled_for.toISOString(),
      sentAt: iso(n.sent_at),
      attempts: n.attempts,
      deferReason: n.defer_reason,
      errorCode: n.error_code,
    })),
    compensations: rows.compensations.map((c) => ({
      id: c.id,
      tier: c.tier,
      status: c.status,
      action: c.action,
      amount: { amountMinor: c.amount_minor, currency: c.currency },
      channel: c.channel,
      approvalLevel: c.approval_level,
      ruleFired: c.rule_fired,
      decidedAt: c.decided_at.toISOString(),
      approver: c.approver,
      approvedAt: iso(c.approved_at),
      rejectedReason: c.rejected_reason,
      executedAt: iso(c.executed_at),
    })),
    proofs: await Promise.all(rows.proofs.map((proof) => proofView(proof, links, expiresAt))),
  };
}

/** GET /v1/shipments/:id. Another merchant's shipment answers 404, as an unknown id does. */
export function registerShipmentDetailRoutes(app: FastifyInstance, deps: { db: Kysely<Database>; clock: Clock; blobStore?: ProofLinks }): void {
  app.get('/v1/shipments/:id', async (request, reply) => {
    const params = shipmentParamsSchema.safeParse(request.params);
    if (!params.success) return reply.code(400).send({ error: 'invalid_request', message: describeQueryIssues(params.error) });
    const rows = await loadShipmentDetail(deps.db, params.data.id);
    if (rows === undefined || !canAccessMerchant(request, rows.shipment.merchant_id)) {
      return reply.code(404).send({ error: 'not_found', message: `no shipment ${params.data.id}` });
    }
    return reply.send(await shipmentDetailView(rows, deps.blobStore, deps.clock.now()));
  });
}
