import {
  EVENT_TYPES,
  createEnvelope,
  idFromName,
  type CompensationApprovedEvent,
  type CompensationDecidedEvent,
  type CompensationExecutedEvent,
  type CompensationRejectedEvent,
  type EventRef,
} from '@parcelwatch/contracts';
import type { Compensation, NewOutboxMessage } from '@parcelwatch/db';
import { isMoneyAction } from './domain/decision.js';
import { actionFromDb, approvalFromDb, currencyFromDb } from './domain/db-names.js';

/**
 * Envelopes for the `compensations` topic, built from the stored row. Event ids derive from
 * the compensation id and the step, so a step written twice (it never is: each is a
 * conditional update) or relayed twice carries one id and consumers dedupe it.
 */
export const EVENT_SOURCE = 'parcelwatch/compensation';

type Base = Pick<CompensationDecidedEvent['data'], 'shipmentId' | 'compensationId' | 'tier' | 'action' | 'addOns' | 'amount' | 'policyVersion' | 'ruleFired' | 'cause'>;
type Actor = CompensationApprovedEvent['data']['approvedBy'];
export const SYSTEM_ACTOR: Actor = { kind: 'system', ref: null };

function iso(at: Date | null): string {
  return (at ?? new Date(0)).toISOString();
}

function base(row: Compensation): Base {
  const action = actionFromDb(row.action);
  return {
    shipmentId: row.shipment_id as Base['shipmentId'],
    compensationId: row.id as Base['compensationId'],
    tier: row.tier as Base['tier'],
    action,
    addOns: row.add_ons as Base['addOns'],
    amount: isMoneyAction(action) ? { amountMinor: row.amount_minor, currency: currencyFromDb(row.currency) } : null,
    policyVersion: row.policy_version,
    ruleFired: row.rule_fired,
    // What the notifier apologises for: a delay, damage, a loss or a return.
    cause: row.trigger_kind,
  };
}

function envelope<T extends { shipmentId: string }>(row: Compensation, type: string, step: string, time: Date | null, data: T) {
  return createEnvelope({
    id: idFromName('compensation-event', row.id, step),
    type,
    source: EVENT_SOURCE,
    subject: row.shipment_id,
    merchantid: row.merchant_id,
    time: iso(time),
    data,
  });
}

function actorOf(row: Compensation): Actor {
  return row.approver_role === 'system' || row.approver === null ? { kind: 'system', ref: null } : { kind: 'user', ref: row.approver };
}

export function decidedEvent(row: Compensation, trigger: EventRef): CompensationDecidedEvent {
  const data: CompensationDecidedEvent['data'] = {
    ...base(row),
    approval: approvalFromDb(row.approval_level),
    channel: row.channel,
    evidenceRequired: row.evidence_required,
    orderValue: row.order_value_minor === null || row.order_currency === null ? null : { amountMinor: row.order_value_minor, currency: currencyFromDb(row.order_currency) },
    trigger,
    supersedes: row.supersedes_id as CompensationDecidedEvent['data']['supersedes'],
    decidedAt: iso(row.decided_at),
  };
  return envelope(row, EVENT_TYPES.compensationDecided, 'decided', row.decided_at, data) as CompensationDecidedEvent;
}

export function approvedEvent(row: Compensation): CompensationApprovedEvent {
  const data = { ...base(row), approvedBy: actorOf(row), approvedAt: iso(row.approved_at) };
  return envelope(row, EVENT_TYPES.compensationApproved, 'approved', row.approved_at, data) as CompensationApprovedEvent;
}

/** Rejected by a person, or by the system (nothing more due, or delivered before execution). */
export function rejectedEvent(row: Compensation, reason: string, at: Date, by: Actor = actorOf(row)): CompensationRejectedEvent {
  const data = { ...base(row), rejectedBy: by, rejectedAt: iso(at), reason };
  return envelope(row, EVENT_TYPES.compensationRejected, `rejected:${reason}`, at, data) as CompensationRejectedEvent;
}

export function executedEvent(row: Compensation): CompensationExecutedEvent {
  const data = { ...base(row), executedAt: iso(row.executed_at), executionRef: row.external_ref };
  return envelope(row, EVENT_TYPES.compensationExecuted, 'executed', row.executed_at, data) as CompensationExecutedEvent;
}

export function toOutbox(topic: string, events: readonly { subject: string }[]): NewOutboxMessage[] {
  return events.map((event) => ({ topic, key: event.subject, event }));
}
