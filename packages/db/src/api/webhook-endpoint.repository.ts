import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, NewWebhookEndpoint, WebhookEndpoint } from '../database.js';

/**
 * The endpoints merchants register for webhooks. A deleted endpoint keeps its row (its
 * deliveries reference it, and they are evidence); every query below ignores it.
 */
export type WebhookDbExecutor = Kysely<Database> | Transaction<Database>;

export async function insertWebhookEndpoint(db: WebhookDbExecutor, row: NewWebhookEndpoint): Promise<WebhookEndpoint> {
  return db.insertInto('webhook_endpoints').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The endpoint unless deleted. */
export async function findWebhookEndpoint(db: WebhookDbExecutor, id: string): Promise<WebhookEndpoint | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).where('status', '<>', 'deleted').executeTakeFirst();
}

export async function listWebhookEndpoints(db: WebhookDbExecutor, merchantId: string): Promise<WebhookEndpoint[]> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('status', '<>', 'deleted')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Enabled and disabled endpoints of the merchant that take this event type (a disabled one queues until re-enabled). */
export async function listSubscribedEndpoints(db: WebhookDbExecutor, merchantId: string, eventType: string): Promise<Pick<WebhookEndpoint, 'id'>[]> {
  return db
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('merchant_id', '=', merchantId)
    .where('status', '<>', 'deleted')
    .where((eb) => eb.or([eb('event_types', 'is', null), sql<boolean>`${eventType} = ANY(event_types)`]))
    .orderBy('id')
    .execute();
}

/** The merchants' endpoints that are not deleted, with the event types each takes (null: all): one read for a batch of events. */
export async function listMerchantsEndpointSubscriptions(db: WebhookDbExecutor, merchantIds: readonly string[]): Promise<Array<{ id: string; merchantId: string; eventTypes: string[] | null }>> {
  if (merchantIds.length === 0) return [];
  const rows = await db
    .selectFrom('webhook_endpoints')
    .select(['id', 'merchant_id', 'event_types'])
    .where('merchant_id', 'in', [...new Set(merchantIds)])
    .where('status', '<>', 'deleted')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ id: row.id, merchantId: row.merchant_id, eventTypes: row.event_types }));
}

export async function updateWebhookEndpoint(
  db: WebhookDbExecutor,
  id: string,
  change: { url?: string; eventTypes?: string[] | null; secret?: string; at: Date },
): Promise<WebhookEndpoint | undefined> {
  return db
    .updateTable('webhook_endpoints')
    .set({
      ...(change.url === undefined ? {} : { url: change.url }),
      ...(change.eventTypes === undefined ? {} : { event_types: change.eventTypes }),
      ...(change.secret === undefined ? {} : { secret: change.secret }),
      updated_at: change.at,
    })
    .where('id', '=', id)
    .where('status', '<>', 'deleted')
    .returningAll()
    .executeTakeFirst();
}

export async function deleteWebhookEndpoint(db: WebhookDbExecutor, id: string, at: Date): Promise<WebhookEndpoint | undefined> {
  return db
    .updateTable('webhook_endpoints')
    .set({ status: 'deleted', updated_at: at })
    .where('id', '=', id)
    .where('status', '<>', 'deleted')
    .returningAll()
    .executeTakeFirst();
}

/** An admin's "it works again": enabled, failure count cleared. */
export async function enableWebhookEndpoint(db: WebhookDbExecutor, id: string, at: Date): Promise<WebhookEndpoint | undefined> {
  return db
    .updateTable('webhook_endpoints')
    .set({ status: 'enabled', consecutive_failures: 0, disabled_at: null, disabled_reason: null, updated_at: at })
    .where('id', '=', id)
    .where('status', '<>', 'deleted')
    .returningAll()
    .executeTakeFirst();
}

/** A 2xx clears the failure count (written only when there is something to clear). */
export async function recordEndpointSuccess(db: WebhookDbExecutor, id: string, at: Date): Promise<void> {
  await db
    .updateTable('webhook_endpoints')
    .set({ consecutive_failures: 0, updated_at: at })
    .where('id', '=', id)
    .where('consecutive_failures', '<>', 0)
    .execute();
}

export interface EndpointFailureOutcome {
  consecutiveFailures: number;
  /** True only for the attempt that disabled it. */
  disabledNow: boolean;
}

/**
 * Counts a failed attempt; disables an enabled endpoint at `threshold` consecutive failures, or
 * at once when `disable` is set (410 Gone). The row is locked first so two workers failing at
 * the same time count both failures and only one of them reports the disabling.
 */
export async function recordEndpointFailure(
  trx: Transaction<Database>,
  id: string,
  failure: { threshold: number; disable: boolean; reason: string; at: Date },
): Promise<EndpointFailureOutcome> {
  const before = await trx.selectFrom('webhook_endpoints').select(['status', 'consecutive_failures']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (before === undefined) return { consecutiveFailures: 0, disabledNow: false };
  const failures = before.consecutive_failures + 1;
  const disable = before.status === 'enabled' && (failure.disable || failures >= failure.threshold);
  await trx
    .updateTable('webhook_endpoints')
    .set({
      consecutive_failures: failures,
      updated_at: failure.at,
      ...(disable ? { status: 'disabled' as const, disabled_at: failure.at, disabled_reason: failure.reason } : {}),
    })
    .where('id', '=', id)
    .execute();
  return { consecutiveFailures: failures, disabledNow: disable };
}

/** Endpoints (deleted ones too: their secret is kept as it was) after `afterId`, with their stored secret, in id order. */
export async function listWebhookEndpointSecrets(db: WebhookDbExecutor, page: { afterId: string | null; limit: number }): Promise<Pick<WebhookEndpoint, 'id' | 'secret'>[]> {
  let query = db.selectFrom('webhook_endpoints').select(['id', 'secret']).orderBy('id').limit(page.limit);
  if (page.afterId !== null) query = query.where('id', '>', page.afterId);
  return query.execute();
}

/** Replaces a stored secret with its new sealed form, only if it is still `expected` (a rotation in between wins). */
export async function replaceWebhookEndpointSecret(db: WebhookDbExecutor, id: string, change: { expected: string; secret: string }): Promise<boolean> {
  const row = await db.updateTable('webhook_endpoints').set({ secret: change.secret }).where('id', '=', id).where('secret', '=', change.expected).returning('id').executeTakeFirst();
  return row !== undefined;
}
