import {
  EVENT_TYPES,
  type CompensationApprovedEvent,
  type CompensationCause,
  type CompensationDecidedEvent,
  type DelayDetectedEvent,
  type ExceptionEscalatedEvent,
  type ExceptionFactsOf,
  type ExceptionOpenedEvent,
  type MilestoneReachedEvent,
} from '@parcelwatch/contracts';
import type { CommonParams, Offer, TemplateId, TemplateParams } from '../templates/template-params.js';
import type { NotificationSettings } from './notification-settings.js';

/*
 * Which buyer messages an event calls for. Pure: event + shipment facts + merchant settings in,
 * zero or more intents out. Trigger keys are natural (the milestone, the exception and its
 * level, the compensation), not envelope ids, so an event published again under a new id still
 * maps to the message already planned and the notifications table's unique key drops it.
 */

export type NotifierEvent =
  | MilestoneReachedEvent
  | ExceptionOpenedEvent
  | ExceptionEscalatedEvent
  | DelayDetectedEvent
  | CompensationDecidedEvent
  | CompensationApprovedEvent;

export const BUYER_CHANNELS = ['email', 'sms', 'marketplace_message'] as const;
export type BuyerChannel = (typeof BUYER_CHANNELS)[number];

/** What the planner knows of the shipment: no PII, only whether an address exists. */
export interface ShipmentFacts {
  orderRef: string;
  trackingNumber: string;
  merchantName: string;
  /** The shipment's current milestone: a stale in-transit event after delivery tells the buyer nothing. */
  status: string;
  originCountry: string | null;
  estimatedDeliveryAt: string | null;
  hasEmail: boolean;
  hasPhone: boolean;
}

export interface NotificationIntent<T extends TemplateId = TemplateId> {
  triggerKey: string;
  template: T;
  channels: BuyerChannel[];
  params: CommonParams & TemplateParams[T];
  /** When the event happened: the message is not sent before it. */
  occurredAt: string;
  trigger: { type: string; id: string };
}

/** Short, time-critical messages also go by SMS. */
const SMS_TEMPLATES = new Set<TemplateId>(['out_for_delivery', 'failed_attempt', 'available_for_pickup', 'customs_action_needed', 'delivered', 'pickup_reminder']);

type Draft = { [T in TemplateId]: { triggerKey: string; template: T; params: TemplateParams[T]; occurredAt: string } }[TemplateId];

/** What customs waits for, from the hold's facts (the carrier's reason, when it gave one). */
function requirementOf(facts: ExceptionFactsOf<'customs_hold'>): 'documents' | 'duties' | null {
  if (facts.carrierReason === 'duties_unpaid') return 'duties';
  if (facts.carrierReason === 'customs_documents_required') return 'documents';
  return null;
}

function milestoneDraft(event: MilestoneReachedEvent, facts: ShipmentFacts): Draft | null {
  const d = event.data;
  // A late in-transit milestone after delivery is news to nobody.
  if (facts.status === 'delivered' && d.journeyMilestone !== 'delivered') return null;
  const key = `milestone:${d.journeyMilestone}`;
  const at = d.occurredAt;
  switch (d.journeyMilestone) {
    case 'shipped':
      return { triggerKey: key, template: 'shipped', params: { estimatedDeliveryAt: facts.estimatedDeliveryAt }, occurredAt: at };
    case 'departed_origin_country':
      return { triggerKey: key, template: 'departed_origin_country', params: { originCountry: facts.originCountry }, occurredAt: at };
    case 'customs_cleared':
      return { triggerKey: key, template: 'customs_cleared', params: {}, occurredAt: at };
    case 'out_for_delivery':
      return { triggerKey: key, template: 'out_for_delivery', params: { occurredAt: at }, occurredAt: at };
    case 'failed_attempt':
      return { triggerKey: `${key}:${d.sequence}`, template: 'failed_attempt', params: { attempt: d.sequence, occurredAt: at }, occurredAt: at };
    case 'available_for_pickup':
      return { triggerKey: key, template: 'available_for_pickup', params: { pickupPoint: d.location?.text ?? d.location?.city ?? null }, occurredAt: at };
    case 'delivered':
      return { triggerKey: key, template: 'delivered', params: { deliveredAt: at }, occurredAt: at };
  }
}

function openedDraft(event: ExceptionOpenedEvent): Draft | null {
  const d = event.data;
  const key = `exception:${d.exceptionId}:opened`;
  const at = d.openedAt;
  switch (d.kind) {
    case 'customs_hold': {
      const requirement = requirementOf(d.facts);
      return requirement === null
        ? { triggerKey: key, template: 'customs_hold', params: {}, occurredAt: at }
        : { triggerKey: key, template: 'customs_action_needed', params: { requirement }, occurredAt: at };
    }
    case 'stalled':
      return { triggerKey: key, template: 'stalled', params: { daysWithoutScan: d.facts.daysWithoutScan }, occurredAt: at };
    case 'lost':
    case 'damaged':
    case 'returning':
    case 'pickup_uncollected':
    case 'delivery_overdue':
      return { triggerKey: key, template: d.kind, params: {}, occurredAt: at };
    // Seller-side (not_picked_up), told by the delay notice (late), or by the failed_attempt milestone.
    default:
      return null;
  }
}

/**
 * Only escalations that tell the buyer something new: each reminder level of a customs hold or
 * of a parcel waiting at a pickup point (the detector raises them as the wait goes on), and the
 * parcel back at the sender.
 */
function escalatedDraft(event: ExceptionEscalatedEvent): Draft | null {
  const d = event.data;
  const key = `exception:${d.exceptionId}:escalated:${d.level}`;
  const at = d.escalatedAt;
  switch (d.kind) {
    case 'customs_hold':
      return { triggerKey: key, template: 'customs_hold_reminder', params: { requirement: requirementOf(d.facts) }, occurredAt: at };
    case 'returning':
      return { triggerKey: key, template: 'returned', params: {}, occurredAt: at };
    case 'pickup_uncollected':
      return { triggerKey: key, template: 'pickup_reminder', params: {}, occurredAt: at };
    default:
      return null;
  }
}

/** The apology for what the compensation makes up for; an event from before it carried its cause: by tier. */
function apologyOf(cause: CompensationCause | undefined, tier: number): 'delay_apology' | 'damage_apology' | 'loss_apology' | 'return_apology' {
  switch (cause) {
    case 'delay':
      return 'delay_apology';
    case 'damaged':
      return 'damage_apology';
    case 'lost':
      return 'loss_apology';
    case 'returning':
      return 'return_apology';
    case undefined:
      return tier === 3 ? 'loss_apology' : 'delay_apology';
  }
}

function compensationDraft(event: CompensationDecidedEvent | CompensationApprovedEvent): Draft | null {
  const d = event.data;
  // A decision waiting for a supervisor may still be rejected: the buyer hears of it once approved.
  if (event.type === EVENT_TYPES.compensationDecided && (event as CompensationDecidedEvent).data.approval !== 'automatic') return null;
  const offer: Offer = { action: d.action, amount: d.amount, addOns: d.addOns };
  const at = event.type === EVENT_TYPES.compensationDecided ? (event as CompensationDecidedEvent).data.decidedAt : (event as CompensationApprovedEvent).data.approvedAt;
  const key = `compensation:${d.compensationId}`;
  return { triggerKey: key, template: apologyOf(d.cause, d.tier), params: { offer }, occurredAt: at };
}

function draftOf(event: NotifierEvent, facts: ShipmentFacts): Draft | null {
  switch (event.type) {
    case EVENT_TYPES.milestoneReached:
      return milestoneDraft(event as MilestoneReachedEvent, facts);
    case EVENT_TYPES.exceptionOpened:
      return facts.status === 'delivered' ? null : openedDraft(event as ExceptionOpenedEvent);
    case EVENT_TYPES.exceptionEscalated:
      return facts.status === 'delivered' ? null : escalatedDraft(event as ExceptionEscalatedEvent);
    case EVENT_TYPES.delayDetected: {
      if (facts.status === 'delivered') return null;
      const d = (event as DelayDetectedEvent).data;
      // The first delay event of a shipment; later ones (a growing delay) map to the same key.
      return { triggerKey: 'delay:notice', template: 'delay_notice', params: { referenceDate: d.referenceDate, daysLate: d.daysLate }, occurredAt: d.detectedAt };
    }
    case EVENT_TYPES.compensationDecided:
    case EVENT_TYPES.compensationApproved:
      return compensationDraft(event as CompensationDecidedEvent | CompensationApprovedEvent);
    default:
      return null;
  }
}

/** The channels of one message: those the merchant enabled, we can send on, and the buyer has an address for. */
export function channelsFor(template: TemplateId, facts: ShipmentFacts, settings: NotificationSettings, available: ReadonlySet<BuyerChannel>): BuyerChannel[] {
  const channels: BuyerChannel[] = [];
  if (settings.channels.email && available.has('email') && facts.hasEmail) channels.push('email');
  if (settings.channels.sms && available.has('sms') && facts.hasPhone && SMS_TEMPLATES.has(template)) channels.push('sms');
  if (settings.channels.marketplace_message && available.has('marketplace_message')) channels.push('marketplace_message');
  return channels;
}

export function planNotifications(event: NotifierEvent, facts: ShipmentFacts, settings: NotificationSettings, available: ReadonlySet<BuyerChannel>): NotificationIntent[] {
  const draft = draftOf(event, facts);
  if (draft === null) return [];
  const channels = channelsFor(draft.template, facts, settings, available);
  if (channels.length === 0) return [];
  const common: CommonParams = { orderRef: facts.orderRef, trackingNumber: facts.trackingNumber, merchantName: facts.merchantName };
  return [{ ...draft, channels, params: { ...common, ...draft.params }, trigger: { type: event.type, id: event.id } } as NotificationIntent];
}
