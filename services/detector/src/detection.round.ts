import { newId, providerSchema, type Envelope } from '@parcelwatch/contracts';
import {
  enqueueOutbox,
  escalateExceptions,
  insertExceptions,
  loadOpenExceptions,
  loadReturnEvidence,
  loadRecordedDelays,
  recordDelays,
  resolveExceptions,
  setNextCheckAt,
  delayKey,
  type Database,
  type DetectionShipment,
  type ExceptionEscalation,
  type ExceptionResolution,
  type NewDelayRow,
  type NewExceptionRow,
  type ReturnEvidenceRow,
} from '@parcelwatch/db';
import type { PolicySource } from '@parcelwatch/policy';
import type { Transaction } from 'kysely';
import { evaluateShipment } from './domain/detection.js';
import type { TrackingState } from './domain/detection.types.js';
import { classifyReturn, type CheckpointEvidence, type ReturnCauseFinding } from './domain/return-cause.js';
import { delayDetectedEvent, exceptionEscalatedEvent, exceptionOpenedEvent, exceptionResolvedEvent } from './detection-events.js';
import type { ThresholdSource } from './threshold.source.js';
import type { TransitSource } from './transit.source.js';

export interface DetectionRoundDeps {
  thresholds: ThresholdSource;
  /** The compensation policy: the delay tiers come from it alone. */
  policy: PolicySource;
  transit: TransitSource;
  topics: { shipmentExceptions: string; shipmentDelays: string };
}

export interface DetectionCounts {
  shipments: number;
  opened: number;
  escalated: number;
  resolved: number;
  delays: number;
  events: number;
}

export const emptyCounts = (): DetectionCounts => ({ shipments: 0, opened: 0, escalated: 0, resolved: 0, delays: 0, events: 0 });
export function addCounts(total: DetectionCounts, more: DetectionCounts): DetectionCounts {
  return {
    shipments: total.shipments + more.shipments,
    opened: total.opened + more.opened,
    escalated: total.escalated + more.escalated,
    resolved: total.resolved + more.resolved,
    delays: total.delays + more.delays,
    events: total.events + more.events,
  };
}

const msOrNull = (value: Date | null): number | null => (value === null ? null : value.getTime());
const isoOrNull = (value: number | null): string | null => (value === null ? null : new Date(value).toISOString());

const isReturnStatus = (row: DetectionShipment): boolean => row.status === 'exception' && (row.statusReason === 'returning' || row.statusReason === 'returned');

/** A stored checkpoint as the classifier reads it; a provider the contract no longer knows names no codes. */
function evidenceOf(row: ReturnEvidenceRow): CheckpointEvidence[] {
  const provider = providerSchema.safeParse(row.provider);
  return provider.success ? [{ provider: provider.data, milestone: row.milestone, reason: row.reason, rawCode: row.rawCode, rawText: row.rawText }] : [];
}

/** The return cause of each returning or returned shipment, from its timeline (one query, only for those). */
async function returnCauses(trx: Transaction<Database>, shipments: readonly DetectionShipment[]): Promise<Map<string, ReturnCauseFinding>> {
  const returning = shipments.filter(isReturnStatus).map((shipment) => shipment.id);
  const timelines = await loadReturnEvidence(trx, returning);
  return new Map(returning.map((id) => [id, classifyReturn((timelines.get(id) ?? []).flatMap(evidenceOf))]));
}

export function toTrackingState(row: DetectionShipment, returnCause: ReturnCauseFinding | null = null): TrackingState {
  return {
    shipmentId: row.id,
    merchantId: row.merchantId,
    carrier: row.carrier,
    originCountry: row.originCountry,
    destinationCountry: row.destinationCountry,
    status: row.status,
    statusReason: row.statusReason,
    statusAt: msOrNull(row.statusAt),
    lastCheckpointAt: msOrNull(row.lastCheckpointAt),
    registeredAt: row.createdAt.getTime(),
    infoReceivedAt: msOrNull(row.infoReceivedAt),
    pickedUpAt: msOrNull(row.pickedUpAt),
    customsClearedAt: msOrNull(row.customsClearedAt),
    outForDeliveryAt: msOrNull(row.outForDeliveryAt),
    availableForPickupAt: msOrNull(row.availableForPickupAt),
    deliveredAt: msOrNull(row.deliveredAt),
    returnedAt: msOrNull(row.returnedAt),
    failedAttempts: row.failedAttempts,
    promisedDeliveryDate: row.promisedDeliveryDate,
    buyerTimezone: row.buyerTimezone,
    returnCause,
  };
}

/**
 * An event and the row write it announces: it is built and published only if that write
 * happened (a replayed batch whose rows exist already builds nothing).
 */
interface Announcement {
  topic: string;
  event: () => Envelope;
  written: () => boolean;
}

/**
 * Evaluates shipments locked by the caller's transaction and writes the outcome, set-based:
 * two reads (open exceptions, recorded delays), the timelines of returning parcels only, at most one transit query, then one statement
 * each for the openings, escalations, resolutions, delays, deadlines and outbox rows, whatever
 * the batch's size. Idempotent: a step the database already holds (a second open exception of
 * a kind, a days-late value already recorded) is neither written nor announced again.
 */
export async function detectAndWrite(
  trx: Transaction<Database>,
  shipments: readonly DetectionShipment[],
  nowMs: number,
  deps: DetectionRoundDeps,
): Promise<DetectionCounts> {
  const active = shipments.filter((shipment) => shipment.active);
  // A shipment no longer tracked has no time check left: its schedule row (if any) goes.
  const untracked = shipments.flatMap((shipment) => (shipment.active ? [] : [{ id: shipment.id, nextCheckAt: null }]));
  if (active.length === 0) {
    await setNextCheckAt(trx, untracked);
    return emptyCounts();
  }
  const ids = active.map((shipment) => shipment.id);
  const causes = await returnCauses(trx, active);
  const states = active.map((shipment) => toTrackingState(shipment, causes.get(shipment.id) ?? null));
  const openByShipment = await loadOpenExceptions(trx, ids);
  const recorded = await loadRecordedDelays(trx, ids);
  await deps.thresholds.refresh(trx);
  await deps.transit.prepare(trx, states, nowMs);

  // One policy for the whole batch, even if a reload lands meanwhile.
  const delayTiers = deps.policy.current().tiers;
  const at = new Date(nowMs).toISOString();
  const openings: NewExceptionRow[] = [];
  const escalations: ExceptionEscalation[] = [];
  const resolutions: ExceptionResolution[] = [];
  const delays: NewDelayRow[] = [];
  const checks: Array<{ id: string; nextCheckAt: Date | null }> = untracked;
  const announcements: Announcement[] = [];
  const exceptionsTopic = deps.topics.shipmentExceptions;

  for (const state of states) {
    const thresholds = deps.thresholds.forShipment(state);
    const open = (openByShipment.get(state.shipmentId) ?? []).map((row) => ({ ...row, openedAt: row.openedAt.getTime() }));
    const evaluation = evaluateShipment({
      state,
      open,
      thresholds,
      delayTiers,
      now: nowMs,
      estimate: deps.transit.estimate(state, thresholds.late),
      recordedDaysLate: recorded.get(state.shipmentId) ?? { promised: 0, estimated: 0 },
    });
    const base = { shipmentId: state.shipmentId, merchantId: state.merchantId, at };
    // Formatted only for an event that is built.
    const lastCheckpointAt = () => isoOrNull(state.lastCheckpointAt);
    checks.push({ id: state.shipmentId, nextCheckAt: evaluation.nextCheckAt === null ? null : new Date(evaluation.nextCheckAt) });

    // Per shipment: what ends, then what starts, then how it grows, then the delay.
    for (const { exception, resolution } of evaluation.resolve) {
      resolutions.push({ id: exception.id, resolution, resolvedAt: at });
      announcements.push({ topic: exceptionsTopic, event: () => exceptionResolvedEvent({ ...base, exceptionId: exception.id, kind: exception.kind, resolution }), written: () => resolvedIds.has(exception.id) });
    }
    const openedIds = new Map<string, string>();
    for (const opening of evaluation.open) {
      const id = newId(nowMs);
      openedIds.set(opening.kind, id);
      const escalation = evaluation.escalate.find((step) => step.exception === null && step.kind === opening.kind);
      openings.push({
        id,
        shipmentId: state.shipmentId,
        merchantId: state.merchantId,
        kind: opening.kind,
        status: escalation ? 'escalated' : 'open',
        severity: escalation?.toSeverity ?? opening.severity,
        level: escalation?.toLevel ?? 0,
        openedAt: at,
        escalatedAt: escalation ? at : null,
        details: { ruleFired: escalation?.ruleFired ?? opening.ruleFired, facts: escalation?.facts ?? opening.facts },
      });
      announcements.push({
        topic: exceptionsTopic,
        event: () => exceptionOpenedEvent({ ...base, exceptionId: id, kind: opening.kind, severity: opening.severity, ruleFired: opening.ruleFired, status: state.status, statusReason: state.statusReason, lastCheckpointAt: lastCheckpointAt(), facts: opening.facts }),
        written: () => insertedIds.has(id),
      });
    }
    for (const step of evaluation.escalate) {
      const id = step.exception?.id ?? openedIds.get(step.kind);
      if (id === undefined) continue;
      if (step.exception !== null) {
        escalations.push({ id, severity: step.toSeverity, level: step.toLevel, escalatedAt: at, details: { ruleFired: step.ruleFired, facts: step.facts } });
      }
      announcements.push({
        topic: exceptionsTopic,
        event: () => exceptionEscalatedEvent({ ...base, exceptionId: id, kind: step.kind, fromSeverity: step.fromSeverity, toSeverity: step.toSeverity, level: step.toLevel, ruleFired: step.ruleFired, facts: step.facts }),
        written: () => (step.exception === null ? insertedIds.has(id) : escalatedIds.has(id)),
      });
    }
    const delay = evaluation.delay;
    if (delay !== null) {
      const against = delay.reference.against;
      delays.push({ id: newId(nowMs), shipmentId: state.shipmentId, merchantId: state.merchantId, against, referenceAt: new Date(delay.deadline).toISOString(), daysLate: delay.daysLate, tier: delay.tier ?? 0, computedAt: at });
      const key = delayKey(state.shipmentId, against, delay.daysLate);
      announcements.push({ topic: deps.topics.shipmentDelays, event: () => delayDetectedEvent({ ...base, delay, status: state.status, statusReason: state.statusReason, lastCheckpointAt: lastCheckpointAt() }), written: () => recordedKeys.has(key) });
    }
  }

  const resolvedIds = await resolveExceptions(trx, resolutions);
  const insertedIds = await insertExceptions(trx, openings);
  const escalatedIds = await escalateExceptions(trx, escalations);
  const recordedKeys = await recordDelays(trx, delays);
  await setNextCheckAt(trx, checks);
  const outgoing = announcements.flatMap(({ topic, event, written }) => {
    if (!written()) return [];
    const built = event();
    return [{ topic, key: built.subject, event: built }];
  });
  await enqueueOutbox(trx, outgoing);
  return {
    shipments: active.length,
    opened: insertedIds.size,
    escalated: escalatedIds.size,
    resolved: resolvedIds.size,
    delays: recordedKeys.size,
    events: outgoing.length,
  };
}
