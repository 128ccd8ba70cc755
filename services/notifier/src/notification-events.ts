import {
  EVENT_TYPES,
  createEnvelope,
  idFromName,
  type NotificationDeferredEvent,
  type NotificationFailedEvent,
  type NotificationSentEvent,
} from '@parcelwatch/contracts';
import type { NewOutboxMessage, Notification } from '@parcelwatch/db';

/**
 * Envelopes for the `notifications` topic (the communication log), built from the stored row.
 * No body and no address: the body's SHA-256 and the provider's message id tie the event to
 * what was sent. Ids derive from the notification, the step and the attempt, so a relayed-twice
 * outbox row carries one id.
 */
export const EVENT_SOURCE = 'parcelwatch/notifier';

type Base = Omit<NotificationSentEvent['data'], 'status' | 'bodySha256' | 'sentAt'>;

function base(row: Notification, attempt: number, providerMessageId: string | null): Base {
  return {
    shipmentId: row.shipment_id as Base['shipmentId'],
    notificationId: row.id as Base['notificationId'],
    channel: row.channel,
    template: row.template,
    locale: row.locale,
    trigger: { type: row.trigger_type ?? EVENT_TYPES.milestoneReached, id: row.trigger_event_id ?? row.trigger },
    attempt: Math.max(1, attempt),
    providerMessageId,
  };
}

function envelope<T extends { shipmentId: string }>(row: Notification, type: string, step: string, time: Date, data: T) {
  return createEnvelope({ id: idFromName('notification-event', row.id, step), type, source: EVENT_SOURCE, subject: row.shipment_id, merchantid: row.merchant_id, time: time.toISOString(), data });
}

export function sentEvent(row: Notification, input: { attempt: number; providerMessageId: string | null; bodySha256: string; at: Date }): NotificationSentEvent {
  const data = { ...base(row, input.attempt, input.providerMessageId), status: 'sent' as const, bodySha256: input.bodySha256, sentAt: input.at.toISOString() };
  return envelope(row, EVENT_TYPES.notificationSent, `sent:${input.attempt}`, input.at, data) as NotificationSentEvent;
}

export function failedEvent(
  row: Notification,
  input: { attempt: number; bodySha256: string | null; at: Date; error: { code: string; message: string; retriable: boolean } },
): NotificationFailedEvent {
  const data = { ...base(row, input.attempt, null), status: 'failed' as const, bodySha256: input.bodySha256, failedAt: input.at.toISOString(), error: input.error };
  return envelope(row, EVENT_TYPES.notificationFailed, `failed:${input.attempt}`, input.at, data) as NotificationFailedEvent;
}

export function deferredEvent(row: Notification, input: { attempt: number; at: Date; until: Date; reason: NotificationDeferredEvent['data']['deferReason'] }): NotificationDeferredEvent {
  const data = {
    ...base(row, input.attempt, null),
    status: 'deferred' as const,
    bodySha256: null,
    deferredAt: input.at.toISOString(),
    deferredUntil: input.until.toISOString(),
    deferReason: input.reason,
  };
  return envelope(row, EVENT_TYPES.notificationDeferred, `deferred:${input.attempt}:${input.until.toISOString()}`, input.at, data) as NotificationDeferredEvent;
}

export function toOutbox(topic: string, events: readonly { subject: string }[]): NewOutboxMessage[] {
  return events.map((event) => ({ topic, key: event.subject, event }));
}
