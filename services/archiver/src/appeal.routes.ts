import { storableStringSchema } from '@parcelwatch/contracts';
import type { Proof } from '@parcelwatch/db';
import { actorOf, callerOf, merchantScope, recordAudit } from '@parcelwatch/access';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { UnknownShipmentError, type ProofArchive } from './proof-archive.js';

/*
 * Appeal bundles on request, behind the api's access layer (issue 7: approver or admin keys).
 * The requester is the API key (`key:<id>`); the body's `requestedBy` is only a fallback where
 * access is turned off, and is ignored with a key. Another merchant's shipment answers 404.
 */
const paramsSchema = z.object({ id: z.uuid() });
const bodySchema = z.strictObject({ requestedBy: storableStringSchema().min(1).max(200).nullable().default(null) }).default({ requestedBy: null });

export function proofView(proof: Proof) {
  return {
    id: proof.id,
    shipmentId: proof.shipment_id,
    merchantId: proof.merchant_id,
    kind: proof.kind,
    objectKey: proof.object_key,
    manifestSha256: proof.manifest_sha256,
    previousSha256: proof.previous_sha256,
    parts: proof.parts,
    retainUntil: proof.retain_until?.toISOString() ?? null,
    createdAt: proof.created_at.toISOString(),
  };
}

export function registerAppealRoutes(app: FastifyInstance, archive: Pick<ProofArchive, 'createAppealBundle'>): void {
  app.post('/v1/shipments/:id/appeal-bundles', async (request, reply) => {
    const params = paramsSchema.safeParse(request.params);
    const body = bodySchema.safeParse(request.body ?? undefined);
    const error = !params.success ? params.error : !body.success ? body.error : null;
    if (error !== null || !params.success || !body.success) {
      return reply.code(400).send({ error: 'invalid_request', message: error?.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') });
    }
    try {
      const caller = callerOf(request);
      const requestedBy = caller === null || caller.unrestricted === true ? body.data.requestedBy : actorOf(request);
      // The audit entry commits with the bundle's proof row (the blobs are content-addressed: a rolled-back bundle leaves orphans, never a wrong record).
      const proof = await archive.createAppealBundle(params.data.id, requestedBy, merchantScope(request), (trx, stored) =>
        recordAudit(
          request,
          {
            action: 'appeal_bundle.created',
            targetType: 'shipment',
            targetId: stored.shipment_id,
            merchantId: stored.merchant_id,
            details: { proofId: stored.id, manifestSha256: stored.manifest_sha256 },
          },
          trx,
        ),
      );
      return reply.code(201).send(proofView(proof));
    } catch (err) {
      if (err instanceof UnknownShipmentError) return reply.code(404).send({ error: 'not_found', message: err.message });
      throw err;
    }
  });
}
