import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, NewProof, Proof } from '../database.js';

export type ProofExecutor = Kysely<Database> | Transaction<Database>;

// Namespace of the per-shipment advisory locks below; any constant unused by other locks.
const PROOF_CHAIN_LOCK_NAMESPACE = 6_106_001;

/**
 * Serializes bundle writers of one shipment until the transaction ends, so two bundles never
 * name the same predecessor (a forked chain). An advisory lock rather than a row lock: the
 * normalizer keeps updating the shipment row while a bundle is being written.
 */
export async function lockProofChain(trx: Transaction<Database>, shipmentId: string): Promise<void> {
  // The first 32 bits of the uuid: collisions only make unrelated shipments wait a little.
  const key = Number.parseInt(shipmentId.replace(/-/g, '').slice(0, 8), 16) | 0;
  await sql`SELECT pg_advisory_xact_lock(${PROOF_CHAIN_LOCK_NAMESPACE}::int, ${key}::int)`.execute(trx);
}

/** A shipment's proofs in chain order: the order they were written (created_at is the insert's clock time). */
export async function listProofs(db: ProofExecutor, shipmentId: string): Promise<Proof[]> {
  return db.selectFrom('proofs').selectAll().where('shipment_id', '=', shipmentId).orderBy('created_at').orderBy('id').execute();
}

/** The shipment's latest bundle of any kind: the predecessor of the next one. */
export async function latestProof(db: ProofExecutor, shipmentId: string): Promise<Proof | undefined> {
  return db
    .selectFrom('proofs')
    .selectAll()
    .where('shipment_id', '=', shipmentId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function findProofOfKind(db: ProofExecutor, shipmentId: string, kind: Proof['kind']): Promise<Proof | undefined> {
  return db.selectFrom('proofs').selectAll().where('shipment_id', '=', shipmentId).where('kind', '=', kind).orderBy('created_at').limit(1).executeTakeFirst();
}

/**
 * Records a stored bundle. Idempotent: a second proof of shipment or of delivery for the same
 * shipment (unique partial index), or the same manifest key, inserts nothing and returns undefined.
 */
export async function insertProof(db: ProofExecutor, proof: NewProof): Promise<Proof | undefined> {
  return db
    .insertInto('proofs')
    // clock_timestamp(), not now(): one transaction may write two bundles of a shipment (shipped and
    // delivered in one consumer batch), and the chain order is read back from created_at.
    .values({ ...proof, created_at: sql<Date>`clock_timestamp()` })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
}
