import { sql, type Kysely } from 'kysely';

// Merchant webhook deliveries no longer keep anything the receiver said: the exact status code,
// the `id` of its answer and the socket error text made the deliveries api an oracle for what
// answers at an internal address. Existing rows are brought to what the notifier now writes: the
// status class's first code (200, 300, 400, 500), no provider message id, and a failure kind.
// The signing secrets are sealed by the notifier's reseal round (it holds the key; a migration
// does not).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    UPDATE webhook_deliveries SET
      provider_message_id = NULL,
      last_status_code = CASE WHEN last_status_code IS NULL THEN NULL ELSE LEAST(GREATEST(last_status_code / 100, 1), 5) * 100 END,
      last_error = CASE
        WHEN last_error IS NULL THEN NULL
        -- Written by parcelwatch, not the receiver (an endpoint's deletion): kept.
        WHEN last_error = 'endpoint deleted' THEN last_error
        WHEN last_status_code BETWEEN 300 AND 399 THEN '3xx: redirects are not followed'
        WHEN last_status_code IS NOT NULL THEN LEAST(GREATEST(last_status_code / 100, 1), 5)::text || 'xx'
        WHEN last_error LIKE 'timeout%' THEN 'timeout'
        ELSE 'network error: no answer'
      END
  `.execute(db);
}

// What was forgotten cannot come back; the columns are unchanged, so there is nothing to undo.
export async function down(_db: Kysely<any>): Promise<void> {}
