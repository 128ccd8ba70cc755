import { createHash } from 'node:crypto';
import { EVENT_TYPES, createEnvelope, idFromName, type NotificationFailedEvent, type NotificationSentEvent } from '@parcelwatch/contracts';
import type { NewOutboxMessage, WebhookDelivery } from '@parcelwatch/db';
import type { MerchantWebhookEvent } from './merchant-webhook.port.js';

/**
 * The JSON a merchant's endpoint receives, serialized once at enqueue. `id` is the delivery id:
 * the same on every retry and on replays, so a receiver can dedupe on it (it is also the
 * `webhook-id` header). No buyer PII: the event's data is already reference-only.
 */
export function webhookBody(deliveryId: string, event: MerchantWebhookEvent): string {
  return JSON.stringify({
    id: deliveryId,
    type: event.eventType,
    occurredAt: event.occurredAt,
    shipmentId: event.shipmentId,
    merchantId: event.merchantId,
    data: event.data,
  });
}

export function sha256Hex(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** The message id a receiver sees: a replay carries its original's id (same body, same id). */
export function messageIdOf(delivery: Pick<WebhookDelivery, 'id' | 'replay_of'>): string {
  return delivery.replay_of ?? delivery.id;
}

export const EVENT_SOURCE = 'parcelwatch/notifier/merchant-webhooks';
// Webhooks have no language: BCP 47 "und" (undetermined) fills the communication log's locale.
const NO_LOCALE = 'und';

export interface AttemptOutcome {
  delivery: WebhookDelivery;
  attempt: number;
  at: Date;
  error: { code: string; message: string; retriable: boolean } | null;
}

/** One attempt as a communication-log event (notification.sent or .failed) for the outbox. */
export function attemptOutboxMessage(topic: string, outcome: AttemptOutcome): NewOutboxMessage {
  const { delivery } = outcome;
  const base = {
    shipmentId: delivery.shipment_id as NotificationSentEvent['data']['shipmentId'],
    notificationId: delivery.id as NotificationSentEvent['data']['notificationId'],
    channel: 'merchant_webhook' as const,
    template: delivery.event_type,
    locale: NO_LOCALE,
    trigger: { type: delivery.event_type, id: delivery.source_event_id },
    attempt: outcome.attempt,
    // The receiver's answer is not repeated anywhere (it could be an internal service's).
    providerMessageId: null,
    bodySha256: delivery.body_sha256.trim(),
  };
  const time = outcome.at.toISOString();
  const envelope = (type: string, data: NotificationSentEvent['data'] | NotificationFailedEvent['data']) =>
    createEnvelope({
      // One id per delivery and attempt: a relayed-twice row is deduped by consumers.
      id: idFromName('merchant-webhook-attempt', delivery.id, String(outcome.attempt)),
      type,
      source: EVENT_SOURCE,
      subject: delivery.shipment_id,
      merchantid: delivery.merchant_id,
      time,
      data,
    });
  const event =
    outcome.error === null
      ? envelope(EVENT_TYPES.notificationSent, { ...base, status: 'sent', sentAt: time })
      : envelope(EVENT_TYPES.notificationFailed, { ...base, status: 'failed', failedAt: time, error: outcome.error });
  return { topic, key: delivery.shipment_id, event };
}
