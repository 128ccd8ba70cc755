import { z } from 'zod';
import { proofIdSchema, shipmentIdSchema } from '../ids.js';
import { EVENT_TYPES } from '../topics.js';
import { defineEvent, eventRefSchema, sha256Schema, utcInstantSchema } from './common.schemas.js';

/** Topic `proofs`: a proof bundle was written to the archive. */

/** shipment: first carrier acceptance; delivery: proof of delivery; appeal: on-demand dispute bundle. */
export const PROOF_KINDS = ['shipment', 'delivery', 'appeal'] as const;
export const proofKindSchema = z.enum(PROOF_KINDS);
export type ProofKind = z.infer<typeof proofKindSchema>;

export const proofStoredDataSchema = z.object({
  shipmentId: shipmentIdSchema,
  proofId: proofIdSchema,
  kind: proofKindSchema,
  /** The manifest's key: proofs/<merchant>/<shipment>/<kind>/<time>-<sha256>.manifest.json */
  objectKey: z.string().regex(/^proofs\/[^/]+\/[^/]+\/[^/]+\/[^/]+$/, 'must be proofs/<merchant>/<shipment>/<kind>/<file>'),
  manifestSha256: sha256Schema,
  /** The manifest SHA-256 of the shipment's previous bundle of any kind, chaining bundles so none can be dropped unseen. */
  previousSha256: sha256Schema.nullable(),
  partCount: z.int().min(1),
  sizeBytes: z.int().min(0),
  /** Object Lock retain-until date, null where the bucket has no Object Lock. */
  retainUntil: utcInstantSchema.nullable(),
  storedAt: utcInstantSchema,
  /** The event that caused the bundle; null for an appeal bundle requested by ops. */
  trigger: eventRefSchema.nullable(),
});
export const proofStoredEventSchema = defineEvent(EVENT_TYPES.proofStored, proofStoredDataSchema);
export type ProofStoredEvent = z.infer<typeof proofStoredEventSchema>;
