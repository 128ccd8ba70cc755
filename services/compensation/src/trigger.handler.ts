import { decodeJson, schemaParser, type BatchContext, type DbTransaction, type MessageParser, type ReceivedMessage, type SafeParseSchema } from '@parcelwatch/bus';
import {
  EVENT_TYPES,
  delayDetectedEventSchema,
  exceptionEscalatedEventSchema,
  exceptionOpenedEventSchema,
  exceptionResolvedEventSchema,
  idFromName,
  money,
  type DelayDetectedEvent,
  type Envelope,
  type ExceptionEscalatedEvent,
  type ExceptionOpenedEvent,
  type ExceptionResolvedEvent,
} from '@parcelwatch/contracts';
import {
  cancelOnDelivery,
  enqueueOutbox,
  insertCompensations,
  loadCompensationContexts,
  loadRecordedTriggerFacts,
  loadShipmentCompensations,
  lockMerchantBudgets,
  recordCompensationRefusals,
  type NewCompensationRefusal,
  sumMerchantSpend,
  type NewCompensation,
} from '@parcelwatch/db';
import type { DateTime } from 'luxon';
import { approvedEvent, decidedEvent, rejectedEvent, SYSTEM_ACTOR, toOutbox } from './compensation-events.js';
import { actionToDb, approvalToDb, currencyFromDb } from './domain/db-names.js';
import { decideCompensation, type PriorCompensation } from './domain/decision.js';
import { lifetimeSpendInBase } from './domain/lifetime-spend.js';
import { matchTier, type Trigger } from './domain/tier.rules.js';
import { checkTriggerFacts } from './domain/trigger-facts.rule.js';
import type { PolicySource } from '@parcelwatch/policy';

export type TriggerEvent = DelayDetectedEvent | ExceptionOpenedEvent | ExceptionEscalatedEvent | ExceptionResolvedEvent;
export type TriggerMessage = ReceivedMessage<TriggerEvent>;

const PARSERS: Record<string, MessageParser<TriggerEvent>> = {
  [EVENT_TYPES.delayDetected]: schemaParser(delayDetectedEventSchema as unknown as SafeParseSchema<TriggerEvent>, 'delay event'),
  [EVENT_TYPES.exceptionOpened]: schemaParser(exceptionOpenedEventSchema as unknown as SafeParseSchema<TriggerEvent>, 'exception event'),
  [EVENT_TYPES.exceptionEscalated]: schemaParser(exceptionEscalatedEventSchema as unknown as SafeParseSchema<TriggerEvent>, 'exception event'),
  [EVENT_TYPES.exceptionResolved]: schemaParser(exceptionResolvedEventSchema as unknown as SafeParseSchema<TriggerEvent>, 'exception event'),
};

/** shipment.delays and shipment.exceptions share one consumer: the parser picks the schema by event type. */
export const triggerParser: MessageParser<TriggerEvent> = (value, message) => {
  const decoded = decodeJson(value);
  if (!decoded.ok) return decoded;
  const type = (decoded.event as { type?: unknown } | null)?.type;
  const parser = typeof type === 'string' ? PARSERS[type] : undefined;
  if (parser === undefined) return { ok: false, reason: `not a delay or exception event (type ${JSON.stringify(type ?? null)})` };
  return parser(value, message);
};

export interface TriggerApplierOptions {
  policy: PolicySource;
  compensationsTopic: string;
  now: () => DateTime;
}

function toTrigger(event: TriggerEvent): Trigger | null {
  if (event.type === EVENT_TYPES.delayDetected) {
    const { daysLate, against, referenceDate } = (event as DelayDetectedEvent).data;
    return { kind: 'delay', daysLate, against, referenceDate };
  }
  if (event.type === EVENT_TYPES.exceptionOpened || event.type === EVENT_TYPES.exceptionEscalated) {
    const data = (event as ExceptionOpenedEvent | ExceptionEscalatedEvent).data;
    return { kind: 'exception', exceptionKind: data.kind, returned: data.kind === 'returning' ? data.facts : null };
  }
  return null;
}

/** The compensation's id and execution key follow from shipment and tier: one per pair, stable on replay. */
export function compensationIdFor(shipmentId: string, tier: number): string {
  return idFromName('compensation', shipmentId, String(tier));
}

/**
 * Decides compensation for a chunk of delay and exception events inside the consumer's
 * transaction, and cancels refunds for "lost" parcels that were delivered before payment.
 * Decisions of one chunk see each other: a tier 1 then a tier 2 in the same chunk pays the
 * difference, and the daily budget counts both.
 */
export function createTriggerApplier(options: TriggerApplierOptions) {
  return async (trx: DbTransaction, messages: TriggerMessage[], context?: BatchContext): Promise<void> => {
    const now = options.now().toUTC();
    const at = now.toJSDate();
    const policy = options.policy.current();
    const triggers = messages.flatMap((m) => {
      const trigger = toTrigger(m.event);
      return trigger === null ? [] : [{ event: m.event as Envelope & TriggerEvent, trigger }];
    });
    const delivered = messages
      .map((m) => m.event)
      .filter((e): e is ExceptionResolvedEvent => e.type === EVENT_TYPES.exceptionResolved && (e as ExceptionResolvedEvent).data.resolution === 'delivered')
      .map((e) => e.data.shipmentId as string);

    const shipmentIds = [...new Set(triggers.map((t) => t.event.data.shipmentId as string))];
    const contexts = await loadCompensationContexts(trx, shipmentIds);
    const exceptionIds = triggers.flatMap((t) => ('exceptionId' in t.event.data ? [t.event.data.exceptionId as string] : []));
    const recorded = await loadRecordedTriggerFacts(trx, shipmentIds.filter((id) => contexts.has(id)), exceptionIds);
    // Only what the database's state of the shipment supports is decided; the rest is refused, on record.
    const refusals: NewCompensationRefusal[] = [];
    const checked = triggers.flatMap(({ event, trigger }) => {
      const shipmentId = event.data.shipmentId as string;
      const exceptionId = 'exceptionId' in event.data ? (event.data.exceptionId as string) : null;
      const context = contexts.get(shipmentId);
      const check = checkTriggerFacts(
        { shipmentId, merchantId: event.merchantid, trigger, exceptionId },
        { shipment: context, daysLate: recorded.delays.get(shipmentId), exception: exceptionId === null ? undefined : recorded.exceptions.get(exceptionId) },
      );
      if (check.ok) return [{ event, trigger: check.trigger }];
      refusals.push({ triggerEventId: event.id, triggerEventType: event.type, shipmentId, claimedMerchantId: event.merchantid, reason: check.reason, detail: check.detail, refusedAt: at });
      return [];
    });
    if (refusals.length > 0) {
      await recordCompensationRefusals(trx, refusals);
      context?.logger.warn({ refused: refusals.map((r) => ({ eventId: r.triggerEventId, shipmentId: r.shipmentId, reason: r.reason })) }, 'compensation triggers refused: the shipment on record does not support them');
    }

    const prior = new Map<string, PriorCompensation[]>();
    for (const row of await loadShipmentCompensations(trx, shipmentIds)) {
      const amount = { amountMinor: row.amount_minor, currency: currencyFromDb(row.currency) };
      prior.set(row.shipment_id, [...(prior.get(row.shipment_id) ?? []), { id: row.id, tier: row.tier as 1 | 2 | 3, status: row.status, amount }]);
    }
    const merchantIds = [...new Set(checked.map((t) => contexts.get(t.event.data.shipmentId)!.merchantId))];
    await lockMerchantBudgets(trx, merchantIds);
    const dayStart = now.startOf('day');
    const spent = await sumMerchantSpend(trx, merchantIds, policy.baseCurrency, dayStart.toJSDate(), dayStart.plus({ days: 1 }).toJSDate());

    const rows: NewCompensation[] = [];
    const triggerOf = new Map<string, { type: string; id: string }>();
    for (const { event, trigger } of checked) {
      const shipment = contexts.get(event.data.shipmentId)!;
      const log = context?.logger.child({ shipmentId: shipment.shipmentId, eventId: event.id });
      const tier = matchTier(policy, trigger);
      if (tier.matched === null) {
        log?.debug({ why: tier.why }, 'no compensation');
        continue;
      }
      if (tier.matched.cancelOnDelivery && shipment.status === 'delivered') {
        log?.info({ rule: tier.matched.rule }, 'no compensation: the parcel was delivered before the decision');
        continue;
      }
      const orderValue = shipment.orderValueMinor === null || shipment.orderCurrency === null ? null : money(shipment.orderValueMinor, currencyFromDb(shipment.orderCurrency));
      // The buyer's spend now, this order and later ones included, in the base currency.
      const lifetime = lifetimeSpendInBase(policy, shipment.buyerLifetimeSpend.map((s) => money(s.amountMinor, currencyFromDb(s.currency))));
      if (lifetime.unconverted.length > 0) log?.warn({ buyerId: shipment.buyerId, currencies: lifetime.unconverted }, 'buyer spend in currencies without a policy rate left out of the green channel check');
      const result = decideCompensation({
        policy,
        match: tier.matched,
        orderValue,
        buyerLifetimeSpend: lifetime.total,
        prior: prior.get(shipment.shipmentId) ?? [],
        spentToday: money(spent.get(shipment.merchantId) ?? 0, policy.baseCurrency),
        merchantId: shipment.merchantId,
      });
      if (result.decision === null) {
        log?.debug({ why: result.why }, 'no compensation');
        continue;
      }
      const d = result.decision;
      const id = compensationIdFor(shipment.shipmentId, d.tier);
      const nothingDue = d.outcome === 'already_compensated';
      const automatic = d.approval === 'automatic' && !nothingDue;
      rows.push({
        id,
        shipment_id: shipment.shipmentId,
        merchant_id: shipment.merchantId,
        tier: d.tier,
        status: nothingDue ? 'rejected' : automatic ? 'approved' : 'pending',
        action: actionToDb(d.action),
        add_ons: JSON.stringify(d.addOns),
        amount_minor: d.amount?.amountMinor ?? 0,
        currency: d.amount?.currency ?? orderValue?.currency ?? policy.baseCurrency,
        channel: d.channel,
        approval_level: approvalToDb(d.approval),
        evidence_required: d.evidenceRequired,
        supersedes_id: d.supersedes,
        policy_version: policy.version,
        rule_fired: d.ruleFired,
        explanation: d.explanation,
        decided_at: at,
        approver: automatic || nothingDue ? 'system' : null,
        approver_role: automatic || nothingDue ? 'system' : null,
        approved_at: automatic ? at : null,
        rejected_reason: nothingDue ? 'already_compensated' : null,
        execution_key: `cmp-${id}`,
        trigger_kind: d.triggerKind,
        trigger_event_type: event.type,
        trigger_event_id: event.id,
        cancel_on_delivery: d.cancelOnDelivery,
        order_value_minor: orderValue?.amountMinor ?? null,
        order_currency: orderValue?.currency ?? null,
        base_amount_minor: d.baseCost.amountMinor,
        base_currency: policy.baseCurrency,
        updated_at: at,
      });
      triggerOf.set(id, { type: event.type, id: event.id });
      // Later triggers of this chunk see this decision: its tier is taken and its money counts.
      prior.set(shipment.shipmentId, [...(prior.get(shipment.shipmentId) ?? []), { id, tier: d.tier, status: nothingDue ? 'rejected' : 'pending', amount: d.amount }]);
      spent.set(shipment.merchantId, (spent.get(shipment.merchantId) ?? 0) + d.baseCost.amountMinor);
    }

    const inserted = await insertCompensations(trx, rows);
    const events: { subject: string }[] = [];
    for (const row of inserted) {
      events.push(decidedEvent(row, triggerOf.get(row.id)!));
      if (row.status === 'approved') events.push(approvedEvent(row));
      if (row.status === 'rejected') events.push(rejectedEvent(row, 'already_compensated', at, SYSTEM_ACTOR));
    }
    // A "delivered" resolution cancels a refund only for a shipment delivered on record: a forged one must not withhold it.
    const deliveredContexts = await loadCompensationContexts(trx, delivered);
    const deliveredOnRecord = delivered.filter((id) => deliveredContexts.get(id)?.status === 'delivered');
    const cancelled = await cancelOnDelivery(trx, deliveredOnRecord, 'delivered_before_execution', at);
    for (const row of cancelled) events.push(rejectedEvent(row, 'delivered_before_execution', at, SYSTEM_ACTOR));
    await enqueueOutbox(trx, toOutbox(options.compensationsTopic, events));
    context?.logger.debug({ triggers: triggers.length, refused: refusals.length, decided: inserted.length, cancelled: cancelled.length }, 'compensation triggers applied');
  };
}
