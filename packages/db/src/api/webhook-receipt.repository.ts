import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database.js';
import { deleteOldestRows } from './retention.repository.js';

export type WebhookReceiptExecutor = Kysely<Database> | Transaction<Database>;

export interface NewWebhookReceipt {
  provider: string;
  /** The provider's event id, or the body's SHA-256 when the format has no id. */
  replayKey: string;
  bodySha256: string;
  /** The provider's own timestamp, when the format carries one. */
  signedAt: Date | null;
  receivedAt: Date;
}

/**
 * Records a webhook as accepted. Returns false when the same key was recorded before (a
 * replay): the caller refuses it and rolls back. Idempotent insert on (provider, replay_key);
 * a concurrent duplicate waits for the first transaction and then sees the conflict.
 */
export async function recordWebhookReceipt(trx: WebhookReceiptExecutor, receipt: NewWebhookReceipt): Promise<boolean> {
  const row = await trx
    .insertInto('webhook_receipts')
    .values({
      provider: receipt.provider,
      replay_key: receipt.replayKey,
      body_sha256: receipt.bodySha256,
      signed_at: receipt.signedAt,
      received_at: receipt.receivedAt,
    })
    .onConflict((oc) => oc.columns(['provider', 'replay_key']).doNothing())
    .returning('replay_key')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Receipts older than any replay window are only history: deletes up to `limit` of those
 * received before `receivedBefore`, oldest first; returns how many went.
 */
export async function deleteWebhookReceiptsBefore(db: WebhookReceiptExecutor, receivedBefore: Date, limit = 5_000): Promise<number> {
  return deleteOldestRows(db, 'webhook_receipts', ['provider', 'replay_key'], 'received_at', receivedBefore, limit, sql`signed_at IS NOT NULL`);
}

/**
 * Receipts of pushes that carried no signed time (17TRACK's): the receipt is their only replay
 * guard, so they are kept longer (the intake refuses pushes whose events are older than this).
 */
export async function deleteUntimedWebhookReceiptsBefore(db: WebhookReceiptExecutor, receivedBefore: Date, limit = 5_000): Promise<number> {
  return deleteOldestRows(db, 'webhook_receipts', ['provider', 'replay_key'], 'received_at', receivedBefore, limit, sql`signed_at IS NULL`);
}
