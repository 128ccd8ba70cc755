import { NonRetriableError, type BatchContext, type DbTransaction, type ReceivedMessage } from '@parcelwatch/bus';
import { idFromName, type Envelope } from '@parcelwatch/contracts';
import { enqueueOutbox, insertNotifications, loadIntentTimes, loadNotificationFacts, recordNotificationAttempts, type NewNotification, type NotificationShipmentFacts } from '@parcelwatch/db';
import { DateTime } from 'luxon';
import { planNotifications, type BuyerChannel, type NotifierEvent, type ShipmentFacts } from './domain/notification-planner.js';
import { notificationSettingsOf } from './domain/notification-settings.js';
import { scheduleIntent } from './domain/send-schedule.js';
import { IGNORED_TYPES } from './notification-event.parser.js';
import { deferredEvent, toOutbox } from './notification-events.js';
import { resolveLocale } from './templates/template-renderer.js';
import type { MerchantWebhooks } from './webhooks/merchant-webhook.port.js';

export interface NotificationApplierOptions {
  notificationsTopic: string;
  now: () => DateTime;
  /** The channels a sender is configured for: rows are only planned where one can be sent. */
  channels: ReadonlySet<BuyerChannel>;
  merchantWebhooks?: MerchantWebhooks;
}

/** What a chunk's planning made due at once. */
export interface PlannedNow {
  messagesDue: number;
  webhookDeliveries: number;
}

/** The idempotency key: one message per shipment, trigger and channel, whatever the envelope id. */
export function idempotencyKey(shipmentId: string, triggerKey: string, channel: string): string {
  return `${shipmentId}:${triggerKey}:${channel}`;
}

function plannerFacts(f: NotificationShipmentFacts): ShipmentFacts {
  return {
    orderRef: f.orderId,
    trackingNumber: f.trackingNumber,
    merchantName: f.merchantName,
    status: f.status,
    originCountry: f.originCountry,
    estimatedDeliveryAt: f.estimatedDeliveryAt?.toISOString() ?? null,
    hasEmail: f.hasEmail,
    hasPhone: f.hasPhone,
  };
}

/**
 * Plans buyer messages for a chunk of events inside the consumer's transaction: rows (one per
 * channel, ON CONFLICT DO NOTHING on the idempotency key), their scheduled time (quiet hours,
 * daily cap), a notification.deferred event for those that wait, and one merchant webhook
 * delivery per event. Intents of one chunk see each other for the daily cap. Resolves to what
 * became due now (new buyer messages, new webhook deliveries): the loops that send them can be
 * woken once the transaction commits.
 */
export function createNotificationApplier(options: NotificationApplierOptions) {
  return async (trx: DbTransaction, messages: ReceivedMessage<Envelope>[], context?: BatchContext): Promise<PlannedNow> => {
    const now = options.now().toUTC();
    const events = messages.map((m) => m.event).filter((e) => !IGNORED_TYPES.has(e.type));
    if (events.length === 0) return { messagesDue: 0, webhookDeliveries: 0 };
    const shipmentIds = [...new Set(events.map((e) => e.subject))];
    const facts = await loadNotificationFacts(trx, shipmentIds);
    const unknown = shipmentIds.filter((id) => !facts.has(id));
    if (unknown.length > 0) throw new NonRetriableError(`notification trigger for unknown shipment ${unknown.join(', ')}`);
    const planned = await loadIntentTimes(trx, shipmentIds);

    const rows: NewNotification[] = [];
    // One delivery per event and subscribed endpoint, for the whole batch at once.
    const webhookDeliveries =
      (await options.merchantWebhooks?.enqueueMany(
        trx,
        events.map((event) => ({
          merchantId: facts.get(event.subject)!.merchantId,
          shipmentId: event.subject,
          sourceEventId: event.id,
          eventType: event.type,
          occurredAt: new Date(event.time).toISOString(),
          data: event.data as Record<string, unknown>,
        })),
      )) ?? 0;
    for (const event of events) {
      const f = facts.get(event.subject)!;
      const { settings, problem } = notificationSettingsOf(f.merchantSettings);
      if (problem !== null) context?.logger.warn({ merchantId: f.merchantId, problem }, 'invalid notification settings: using the defaults');
      const intents = planNotifications(event as NotifierEvent, plannerFacts(f), settings, options.channels);
      const times = planned.get(f.shipmentId) ?? new Map<string, Date>();
      planned.set(f.shipmentId, times);
      const locale = resolveLocale(f.buyerLocale, f.merchantLocale);
      for (const intent of intents) {
        // Planned before (a redelivery, or the same milestone published again): nothing new.
        if (times.has(intent.triggerKey)) continue;
        const others = [...times.values()].map((at) => DateTime.fromJSDate(at, { zone: 'utc' }));
        const decision = scheduleIntent({
          occurredAt: DateTime.fromISO(intent.occurredAt, { zone: 'utc' }),
          now,
          zone: f.buyerTimezone,
          quietHours: settings.quietHours,
          dailyCap: settings.dailyCap,
          otherIntents: others,
        });
        times.set(intent.triggerKey, decision.at.toJSDate());
        for (const channel of intent.channels) {
          rows.push({
            id: idFromName('notification', f.shipmentId, intent.triggerKey, channel),
            shipment_id: f.shipmentId,
            merchant_id: f.merchantId,
            idempotency_key: idempotencyKey(f.shipmentId, intent.triggerKey, channel),
            trigger: intent.triggerKey,
            trigger_type: intent.trigger.type,
            trigger_event_id: intent.trigger.id,
            channel,
            template: intent.template,
            locale,
            params: JSON.stringify(intent.params),
            status: decision.deferReason === null ? 'scheduled' : 'deferred',
            defer_reason: decision.deferReason,
            scheduled_for: decision.at.toJSDate(),
            occurred_at: intent.occurredAt,
            updated_at: now.toJSDate(),
          });
        }
      }
    }

    const inserted = await insertNotifications(trx, rows);
    const at = now.toJSDate();
    const deferred = inserted.filter((row) => row.status === 'deferred' && row.defer_reason !== null);
    await recordNotificationAttempts(
      trx,
      deferred.map((row) => ({ notification_id: row.id, attempt: 1, status: 'deferred' as const, defer_reason: row.defer_reason, deferred_until: row.scheduled_for, at })),
    );
    const outbox = deferred.map((row) => deferredEvent(row, { attempt: 1, at, until: row.scheduled_for, reason: row.defer_reason! }));
    await enqueueOutbox(trx, toOutbox(options.notificationsTopic, outbox));
    context?.logger.debug({ events: events.length, planned: rows.length, inserted: inserted.length, deferred: deferred.length }, 'notifications planned');
    return { messagesDue: inserted.filter((row) => row.status === 'scheduled' && row.scheduled_for.getTime() <= at.getTime()).length, webhookDeliveries };
  };
}
