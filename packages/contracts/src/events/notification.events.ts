import { z } from 'zod';
import { notificationIdSchema, shipmentIdSchema } from '../ids.js';
import { EVENT_TYPES } from '../topics.js';
import { defineEvent, eventRefSchema, localeSchema, sha256Schema, utcInstantSchema } from './common.schemas.js';

/**
 * Topic `notifications`: the communication log, evidence in an appeal. It never carries the
 * message body or the recipient's address: `bodySha256` proves which rendered body was sent
 * (the body itself is archived by the notifier's store), `providerMessageId` ties it to the
 * provider's own log.
 */
export const NOTIFICATION_CHANNELS = ['email', 'sms', 'merchant_webhook', 'marketplace_message'] as const;
export const notificationChannelSchema = z.enum(NOTIFICATION_CHANNELS);
export type NotificationChannel = z.infer<typeof notificationChannelSchema>;

const notificationBase = {
  shipmentId: shipmentIdSchema,
  notificationId: notificationIdSchema,
  channel: notificationChannelSchema,
  /** Template id, e.g. "out_for_delivery" or "delay_apology". */
  template: z.string().min(1),
  locale: localeSchema,
  /** The event that caused the message (a milestone, an exception, a delay, a compensation). */
  trigger: eventRefSchema,
  /** 1 for the first try of this notification. */
  attempt: z.int().min(1),
  providerMessageId: z.string().min(1).nullable(),
};

export const notificationSentDataSchema = z.object({
  ...notificationBase,
  status: z.literal('sent'),
  bodySha256: sha256Schema,
  sentAt: utcInstantSchema,
});
export const notificationSentEventSchema = defineEvent(EVENT_TYPES.notificationSent, notificationSentDataSchema);
export type NotificationSentEvent = z.infer<typeof notificationSentEventSchema>;

export const notificationFailedDataSchema = z.object({
  ...notificationBase,
  status: z.literal('failed'),
  /** Null when rendering failed before a body existed. */
  bodySha256: sha256Schema.nullable(),
  failedAt: utcInstantSchema,
  /** `message` is the provider's error text with addresses stripped. */
  error: z.object({ code: z.string().min(1), message: z.string(), retriable: z.boolean() }),
});
export const notificationFailedEventSchema = defineEvent(EVENT_TYPES.notificationFailed, notificationFailedDataSchema);
export type NotificationFailedEvent = z.infer<typeof notificationFailedEventSchema>;

export const deferReasonSchema = z.enum(['quiet_hours', 'daily_cap', 'rate_limited', 'provider_unavailable']);

export const notificationDeferredDataSchema = z.object({
  ...notificationBase,
  status: z.literal('deferred'),
  bodySha256: sha256Schema.nullable(),
  deferredAt: utcInstantSchema,
  deferredUntil: utcInstantSchema,
  deferReason: deferReasonSchema,
});
export const notificationDeferredEventSchema = defineEvent(
  EVENT_TYPES.notificationDeferred,
  notificationDeferredDataSchema,
);
export type NotificationDeferredEvent = z.infer<typeof notificationDeferredEventSchema>;
