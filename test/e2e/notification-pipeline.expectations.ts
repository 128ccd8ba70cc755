// What the notifier must have sent, worked out from the events the pipeline published and the
// product's rules (ARCHITECTURE.md "Notifications", services/notifier/README.md), written here
// apart from the notifier's own planner.
import { EVENT_TYPES, type Envelope } from '@parcelwatch/contracts';
import type { Database } from '@parcelwatch/db';
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { PlannedShipment } from './exception-pipeline.journeys.js';
import { buyerOf, marketplaceOn } from './notification-pipeline.stages.js';

/** Short, time-critical messages also go by SMS. */
const BY_SMS = new Set(['out_for_delivery', 'failed_attempt', 'available_for_pickup', 'customs_action_needed', 'delivered', 'pickup_reminder']);
const OPENED_TEMPLATE: Record<string, string | undefined> = { stalled: 'stalled', lost: 'lost', damaged: 'damaged', returning: 'returning', pickup_uncollected: 'pickup_uncollected', delivery_overdue: 'delivery_overdue' };
const ESCALATED_TEMPLATE: Record<string, string | undefined> = { customs_hold: 'customs_hold_reminder', returning: 'returned', pickup_uncollected: 'pickup_reminder' };
/** The apology names what the compensation makes up for (its cause); events from before the cause was carried: by tier. */
const APOLOGY: Record<string, string> = { delay: 'delay_apology', damaged: 'damage_apology', lost: 'loss_apology', returning: 'return_apology' };
const apologyOf = (d: Record<string, unknown>): string => APOLOGY[String(d['cause'])] ?? (d['tier'] === 3 ? 'loss_apology' : 'delay_apology');
export const GREETING: Record<string, string> = { en: 'Hello,', es: 'Hola:', de: 'Hallo,', fr: 'Bonjour,', it: 'Buongiorno,' };

export interface CauseEvent {
  outboxId: number;
  event: Envelope & { data: Record<string, unknown> };
}

/** Every event a notifier consumes, once each, in outbox order. */
export async function causeEvents(db: Kysely<Database>, topics: string[]): Promise<CauseEvent[]> {
  const rows = await db.selectFrom('outbox').select(['id', 'event']).where('topic', 'in', topics).orderBy('id').execute();
  return rows.map((r) => ({ outboxId: Number(r.id), event: r.event as CauseEvent['event'] }));
}

/** `<tracking> <trigger key> <channel> <template>` for every message the events call for. */
export function expectedMessages(events: CauseEvent[], planned: readonly PlannedShipment[], shipmentIndex: Map<string, number>, watermarks: number[]): string[] {
  const stepOf = (outboxId: number) => watermarks.findIndex((w) => w !== undefined && w >= outboxId);
  const deliveredAt = new Map<string, number>();
  for (const { outboxId, event } of events) {
    if (event.type === EVENT_TYPES.milestoneReached && event.data['journeyMilestone'] === 'delivered') deliveredAt.set(event.subject, stepOf(outboxId));
  }
  const out = new Set<string>();
  for (const { outboxId, event } of events) {
    const index = shipmentIndex.get(event.subject)!;
    // The notifier reads the shipment as it is when the event arrives: once it is delivered, news of the road is stale.
    const delivered = deliveredAt.has(event.subject) && deliveredAt.get(event.subject)! <= stepOf(outboxId);
    const intent = intentOf(event, delivered);
    if (intent === null) continue;
    const buyer = buyerOf(planned[index]!, index);
    const channels = ['email', ...(buyer.phone !== undefined && BY_SMS.has(intent.template) ? ['sms'] : []), ...(marketplaceOn(index) ? ['marketplace_message'] : [])];
    for (const channel of channels) out.add(`${planned[index]!.journey.trackingNumber} ${intent.key} ${channel} ${intent.template}`);
  }
  return [...out].sort();
}

function intentOf(event: CauseEvent['event'], delivered: boolean): { key: string; template: string } | null {
  const d = event.data;
  switch (event.type) {
    case EVENT_TYPES.milestoneReached: {
      const milestone = String(d['journeyMilestone']);
      if (delivered && milestone !== 'delivered') return null;
      return { key: milestone === 'failed_attempt' ? `milestone:failed_attempt:${String(d['sequence'])}` : `milestone:${milestone}`, template: milestone };
    }
    case EVENT_TYPES.exceptionOpened: {
      if (delivered) return null;
      const key = `exception:${String(d['exceptionId'])}:opened`;
      if (d['kind'] === 'customs_hold') {
        const why = `${String((d['facts'] as Record<string, unknown>)['carrierReason'] ?? '')} ${String(d['ruleFired'])}`;
        const actionNeeded = why.includes('customs_documents_required') || why.includes('duties_unpaid');
        return { key, template: actionNeeded ? 'customs_action_needed' : 'customs_hold' };
      }
      const template = OPENED_TEMPLATE[String(d['kind'])];
      return template === undefined ? null : { key, template };
    }
    case EVENT_TYPES.exceptionEscalated: {
      const template = ESCALATED_TEMPLATE[String(d['kind'])];
      return delivered || template === undefined ? null : { key: `exception:${String(d['exceptionId'])}:escalated:${String(d['level'])}`, template };
    }
    case EVENT_TYPES.delayDetected:
      return delivered ? null : { key: 'delay:notice', template: 'delay_notice' };
    case EVENT_TYPES.compensationDecided:
      // One needing approval waits until approved.
      if (d['approval'] !== 'automatic') return null;
      return { key: `compensation:${String(d['compensationId'])}`, template: apologyOf(d) };
    case EVENT_TYPES.compensationApproved:
      return { key: `compensation:${String(d['compensationId'])}`, template: apologyOf(d) };
    default:
      return null;
  }
}

export interface StoredMessage {
  id: string;
  shipmentId: string;
  key: string;
  channel: string;
  template: string;
  locale: string;
  status: string;
  sentAt: string | null;
  bodySha256: string | null;
  providerMessageId: string | null;
}

export async function storedMessages(db: Kysely<Database>): Promise<StoredMessage[]> {
  const rows = await db
    .selectFrom('notifications')
    .select(['id', 'shipment_id', 'idempotency_key', 'channel', 'template', 'locale', 'status', 'sent_at', 'body_sha256', 'provider_message_id'])
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    shipmentId: r.shipment_id,
    // <shipment>:<trigger key>:<channel>
    key: r.idempotency_key.slice(r.shipment_id.length + 1, r.idempotency_key.length - r.channel.length - 1),
    channel: r.channel,
    template: r.template,
    locale: r.locale,
    status: r.status,
    sentAt: r.sent_at === null ? null : new Date(r.sent_at as unknown as string).toISOString(),
    bodySha256: r.body_sha256,
    providerMessageId: r.provider_message_id,
  }));
}

/** The buyer-local wall time, `HH:mm`, of an instant. */
export function localClock(instant: string, zone: string): string {
  return DateTime.fromISO(instant, { zone: 'utc' }).setZone(zone).toFormat('HH:mm');
}

/** How a date appears in the buyer's language and zone (what a template's long date shows), computed with Intl alone. */
export function localDate(instant: string, locale: string, zone: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: zone, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(new Date(instant));
}
