import type { Database } from '@parcelwatch/db';
import type { Service } from '@parcelwatch/service-kit';
import type { FastifyInstance } from 'fastify';
import type { Kysely, Transaction } from 'kysely';

/*
 * The seam between the notifier's event handling (buyer messages) and merchant webhooks.
 * The notifier's consumer hands every event a merchant subscribes to over to `enqueue`, inside
 * the same transaction that records the buyer messages, so a redelivered event enqueues nothing
 * twice and a crash loses nothing. Delivery (signing, retries with backoff, disabling an endpoint
 * after repeated failures, order per shipment, replay) is the webhook subsystem's own work.
 */

/** One event as a merchant's endpoint receives it: no buyer PII, only references. */
export interface MerchantWebhookEvent {
  merchantId: string;
  shipmentId: string;
  /** The CloudEvents id of the source event: with the endpoint id, the delivery's natural key. */
  sourceEventId: string;
  /** The source event's type, e.g. parcelwatch.shipment.milestone_reached.v1. */
  eventType: string;
  /** When the source event happened (its envelope time), ISO-8601 UTC: deliveries per shipment go out in this order. */
  occurredAt: string;
  /** The JSON the merchant receives as `data` (the source event's data, already PII-free). */
  data: Record<string, unknown>;
}

export interface MerchantWebhooks {
  /** Records one delivery per enabled or disabled (not deleted) endpoint of the merchant; idempotent. Returns how many were new. */
  enqueue(trx: Transaction<Database> | Kysely<Database>, event: MerchantWebhookEvent): Promise<number>;
  /** The same for a consumer's batch of events, in one read and one insert. */
  enqueueMany(trx: Transaction<Database> | Kysely<Database>, events: readonly MerchantWebhookEvent[]): Promise<number>;
  /**
   * The delivery loop (claims due deliveries, sends, retries); started and stopped with the
   * notifier. `wake` runs a round now (deliveries were just committed), else every interval.
   */
  readonly worker: Service & { runOnce(): Promise<{ sent: number; failed: number; retryLater: number }>; wake(): void };
  /** Admin routes: endpoints CRUD, enable after disable, replay. Registered on the api (or the notifier's own server). */
  registerRoutes(app: FastifyInstance): void;
}
