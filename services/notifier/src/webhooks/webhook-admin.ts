import { newId } from '@parcelwatch/contracts';
import {
  deleteWebhookEndpoint,
  enableWebhookEndpoint,
  failPendingWebhookDeliveries,
  findWebhookEndpoint,
  insertWebhookDeliveries,
  insertWebhookEndpoint,
  listDeliveredForReplay,
  listWebhookDeliveries,
  listWebhookEndpoints,
  makeEndpointDeliveriesDue,
  updateWebhookEndpoint,
  type Database,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookEndpoint,
} from '@parcelwatch/db';
import type { SecretBox } from '@parcelwatch/secrets';
import type { Clock } from '@parcelwatch/service-kit';
import type { Kysely, Transaction } from 'kysely';
import { storedSecret } from './webhook-secret.store.js';
import { newWebhookSecret } from './webhook-signature.js';

/** What the admin routes do, apart from HTTP: each step one transaction where it writes twice. */
export interface WebhookAdmin {
  /** The stored row, but with `secret` in clear: the only time it is (rotateSecret too). */
  create(input: { merchantId: string; url: string; eventTypes: string[] | null }): Promise<WebhookEndpoint>;
  list(merchantId: string): Promise<WebhookEndpoint[]>;
  get(id: string): Promise<WebhookEndpoint | undefined>;
  update(id: string, change: { url?: string; eventTypes?: string[] | null }): Promise<WebhookEndpoint | undefined>;
  remove(id: string): Promise<WebhookEndpoint | undefined>;
  enable(id: string): Promise<{ endpoint: WebhookEndpoint; dueNow: number } | undefined>;
  rotateSecret(id: string): Promise<WebhookEndpoint | undefined>;
  deliveries(id: string, filter: { status?: WebhookDeliveryStatus; shipmentId?: string; afterSeq?: number; limit: number }): Promise<WebhookDelivery[] | undefined>;
  replay(id: string, range: { since: Date; until: Date | null; shipmentId?: string }): Promise<number | undefined>;
  /** Runs `work` with an admin bound to one transaction (the change and its audit entry commit together). */
  inTransaction<T>(work: (admin: WebhookAdmin, trx: Transaction<Database>) => Promise<T>): Promise<T>;
}

/** One transaction: `db`'s own when it is one already, else a new one. */
function transact<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
}

/** A replay re-sends at most this many deliveries; ask again with a later `since` for more. */
export const MAX_REPLAY = 10_000;

export function createWebhookAdmin(deps: { db: Kysely<Database>; clock: Clock; secrets?: SecretBox | null }): WebhookAdmin {
  const now = () => deps.clock.now().toJSDate();
  const box = deps.secrets ?? null;
  return {
    inTransaction: (work) => transact(deps.db, (trx) => work(createWebhookAdmin({ ...deps, db: trx }), trx)),
    async create(input) {
      const id = newId(deps.clock.now().toMillis());
      const secret = newWebhookSecret();
      const row = await insertWebhookEndpoint(deps.db, {
        id,
        merchant_id: input.merchantId,
        url: input.url,
        secret: storedSecret(box, id, secret),
        event_types: input.eventTypes,
        created_at: now(),
        updated_at: now(),
      });
      return { ...row, secret };
    },
    list: (merchantId) => listWebhookEndpoints(deps.db, merchantId),
    get: (id) => findWebhookEndpoint(deps.db, id),
    update: (id, change) => updateWebhookEndpoint(deps.db, id, { ...change, at: now() }),
    remove: (id) =>
      transact(deps.db, async (trx) => {
        const deleted = await deleteWebhookEndpoint(trx, id, now());
        if (deleted) await failPendingWebhookDeliveries(trx, id, 'endpoint deleted');
        return deleted;
      }),
    enable: (id) =>
      transact(deps.db, async (trx) => {
        const endpoint = await enableWebhookEndpoint(trx, id, now());
        if (endpoint === undefined) return undefined;
        // Due now, not all at once: the worker still sends each shipment's queue head first.
        return { endpoint, dueNow: await makeEndpointDeliveriesDue(trx, id, now()) };
      }),
    async rotateSecret(id) {
      const secret = newWebhookSecret();
      const row = await updateWebhookEndpoint(deps.db, id, { secret: storedSecret(box, id, secret), at: now() });
      return row === undefined ? undefined : { ...row, secret };
    },
    async deliveries(id, filter) {
      if ((await findWebhookEndpoint(deps.db, id)) === undefined) return undefined;
      return listWebhookDeliveries(deps.db, id, filter);
    },
    replay: (id, range) =>
      transact(deps.db, async (trx) => {
        if ((await findWebhookEndpoint(trx, id)) === undefined) return undefined;
        const originals = await listDeliveredForReplay(trx, id, { ...range, limit: MAX_REPLAY });
        const at = now();
        // Same bytes as the original (same id inside); the worker signs them with a new timestamp.
        // Inserted in original order, so new seqs keep that order per shipment.
        const inserted = await insertWebhookDeliveries(
          trx,
          originals.map((original, n) => ({
            id: newId(at.getTime() + n),
            endpoint_id: original.endpoint_id,
            merchant_id: original.merchant_id,
            shipment_id: original.shipment_id,
            source_event_id: original.source_event_id,
            event_type: original.event_type,
            occurred_at: original.occurred_at,
            body: original.body,
            body_sha256: original.body_sha256,
            next_attempt_at: at,
            replay_of: original.id,
            created_at: at,
          })),
        );
        return inserted.length;
      }),
  };
}
