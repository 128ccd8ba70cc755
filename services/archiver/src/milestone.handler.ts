import { decodeJson, envelopeParser, schemaParser, type BatchContext, type DbTransaction, type MessageParser, type ReceivedMessage, type SafeParseSchema } from '@parcelwatch/bus';
import { EVENT_TYPES, milestoneReachedEventSchema, type Envelope, type MilestoneReachedEvent } from '@parcelwatch/contracts';
import type { ProofArchive } from './proof-archive.js';

export type ShipmentEvent = MilestoneReachedEvent | Envelope;

const milestoneParser = schemaParser(milestoneReachedEventSchema as unknown as SafeParseSchema<MilestoneReachedEvent>, 'milestone event');
const anyEnvelope = envelopeParser();

/**
 * shipment.events carries three event types; only milestones make bundles. Milestones are
 * checked against their full schema (a bad one is dead-lettered); the others only as envelopes,
 * and the handler passes over them.
 */
export const shipmentEventParser: MessageParser<ShipmentEvent> = (value, message) => {
  const decoded = decodeJson(value);
  if (!decoded.ok) return decoded;
  const type = (decoded.event as { type?: unknown } | null)?.type;
  return type === EVENT_TYPES.milestoneReached ? milestoneParser(value, message) : anyEnvelope(value, message);
};

export function isMilestone(event: ShipmentEvent): event is MilestoneReachedEvent {
  return event.type === EVENT_TYPES.milestoneReached;
}

/** Proof of shipment at `shipped`, proof of delivery at `delivered`, in the consumer's transaction. */
export function createMilestoneApplier(archive: ProofArchive) {
  return async (trx: DbTransaction, messages: ReceivedMessage<ShipmentEvent>[], context?: BatchContext): Promise<void> => {
    for (const { event } of messages) {
      if (!isMilestone(event)) continue;
      const proof = await archive.archiveMilestone(trx, event);
      if (proof === null) context?.logger.debug({ shipmentId: event.data.shipmentId, milestone: event.data.journeyMilestone }, 'no bundle due');
    }
  };
}
