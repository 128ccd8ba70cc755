import type { BatchContext, DbTransaction, MessageParser, ReceivedMessage } from '@parcelwatch/bus';
import { decodeJson } from '@parcelwatch/bus';
import { eventSchemasByType, parseAnyEvent, topicSpec, type ParcelwatchEvent } from '@parcelwatch/contracts';
import { lockDetectionShipments } from '@parcelwatch/db';
import { detectAndWrite, type DetectionRoundDeps } from './detection.round.js';

/** What the detector reacts to: the normalizer's progress events, and registrations and their changes (promised date). */
const ACCEPTED_TYPES: ReadonlySet<string> = new Set([...topicSpec('shipment.events').eventTypes, ...topicSpec('shipments').eventTypes]);

const isEventType = (type: string): boolean => Object.hasOwn(eventSchemasByType, type);

/** JSON, a known event type of shipment.events or shipments, and its schema; anything else goes to the DLQ with the reason. */
export const shipmentEventParser: MessageParser<ParcelwatchEvent> = (value) => {
  const decoded = decodeJson(value);
  if (!decoded.ok) return decoded;
  const type = (decoded.event as { type?: unknown } | null)?.type;
  // A known type of another topic is refused before its schema: the reason says what went wrong.
  if (typeof type === 'string' && isEventType(type) && !ACCEPTED_TYPES.has(type)) return { ok: false, reason: `event type "${type}" is not for the detector` };
  return parseAnyEvent(decoded.event);
};

/**
 * Re-evaluates the shipments a chunk of events is about, in the idempotent handler's
 * transaction: their rows are locked (a concurrent sweep batch holding one is waited for),
 * the rules run on the state the normalizer has committed, and the outcome is written with
 * its events. The events' contents are not needed: the shipment row is the truth.
 */
export function createShipmentEventApplier(deps: DetectionRoundDeps & { now: () => number }) {
  return async (trx: DbTransaction, messages: ReceivedMessage<ParcelwatchEvent>[], context?: BatchContext): Promise<void> => {
    const ids = [...new Set(messages.map((message) => message.event.subject))];
    const shipments = await lockDetectionShipments(trx, ids);
    if (shipments.length < ids.length) {
      const known = new Set(shipments.map((shipment) => shipment.id));
      context?.logger.warn({ unknown: ids.filter((id) => !known.has(id)) }, 'events for shipments not in the database: nothing to evaluate');
    }
    const counts = await detectAndWrite(trx, shipments, deps.now(), deps);
    context?.logger.debug({ ...counts, messages: messages.length }, 'shipments re-evaluated');
  };
}
