import { TOPIC, newId } from '@parcelwatch/contracts';
import { insertWebhookDeliveries, listMerchantsEndpointSubscriptions, type Database } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import type { SecretBox } from '@parcelwatch/secrets';
import { createOutboundClient, type OutboundAllowList, type Resolve } from '@parcelwatch/outbound';
import type { Clock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import type { MerchantWebhookEvent, MerchantWebhooks } from './merchant-webhook.port.js';
import { createWebhookAdmin, type WebhookAdmin } from './webhook-admin.js';
import { createWebhookDeliveryWorker, type WebhookWorker, type WebhookWorkerOptions } from './webhook-delivery.worker.js';
import { registerWebhookEndpointRoutes } from './webhook-endpoint.routes.js';
import { sha256Hex, webhookBody } from './webhook-message.js';

export interface MerchantWebhooksDeps {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  /** Where each attempt is announced (default: the registry's `notifications`). */
  notificationsTopic?: string;
  worker?: WebhookWorkerOptions;
  /**
   * The exceptions to "public addresses only" (PARCELWATCH_OUTBOUND_ALLOW): given explicitly by
   * every caller, so a receiver on loopback or a private network is a decision someone made.
   */
  allow: OutboundAllowList;
  /** Name resolution for sends (default: the system resolver). */
  resolve?: Resolve;
  /** Seals signing secrets at rest (PARCELWATCH_SECRET_KEY); without it new secrets are stored in clear. */
  secrets?: SecretBox | null;
}

export type MerchantWebhooksSubsystem = MerchantWebhooks & { readonly worker: WebhookWorker; readonly admin: WebhookAdmin };

/**
 * Records the deliveries of a batch of events, in the caller's transaction: one per subscribed
 * endpoint, none twice. One read of the merchants' endpoints and one insert, whatever the batch.
 */
async function enqueueDeliveries(trx: Parameters<MerchantWebhooks['enqueue']>[0], clock: Clock, events: readonly MerchantWebhookEvent[]): Promise<number> {
  const endpoints = await listMerchantsEndpointSubscriptions(trx, events.map((event) => event.merchantId));
  if (endpoints.length === 0) return 0;
  const at = clock.now();
  const rows = events.flatMap((event) =>
    endpoints
      .filter((endpoint) => endpoint.merchantId === event.merchantId && (endpoint.eventTypes === null || endpoint.eventTypes.includes(event.eventType)))
      .map((endpoint) => {
        const id = newId(at.toMillis());
        const body = webhookBody(id, event);
        return {
          id,
          endpoint_id: endpoint.id,
          merchant_id: event.merchantId,
          shipment_id: event.shipmentId,
          source_event_id: event.sourceEventId,
          event_type: event.eventType,
          occurred_at: event.occurredAt,
          body,
          body_sha256: sha256Hex(body),
          next_attempt_at: at.toJSDate(),
          created_at: at.toJSDate(),
        };
      }),
  );
  return (await insertWebhookDeliveries(trx, rows)).length;
}

/** The merchant webhook subsystem behind the port: enqueue, the delivery worker, the admin routes. */
export function createMerchantWebhooks(deps: MerchantWebhooksDeps): MerchantWebhooksSubsystem {
  const admin = createWebhookAdmin({ db: deps.db, clock: deps.clock, secrets: deps.secrets ?? null });
  const worker = createWebhookDeliveryWorker({
    ...deps.worker,
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    notificationsTopic: deps.notificationsTopic ?? TOPIC.notifications,
    secrets: deps.secrets ?? null,
    outbound: createOutboundClient({ allow: deps.allow, ...(deps.resolve === undefined ? {} : { resolve: deps.resolve }) }),
  });
  return {
    admin,
    worker,
    enqueue: (trx, event) => enqueueDeliveries(trx, deps.clock, [event]),
    enqueueMany: (trx, events) => enqueueDeliveries(trx, deps.clock, events),
    registerRoutes: (app) => registerWebhookEndpointRoutes(app, admin, deps.allow),
  };
}
