/**
 * The event types, by name. A type string never changes meaning: a breaking change to its
 * data is a new version (`.v2`) published alongside the old one until consumers move.
 */
export const EVENT_TYPES = {
  shipmentRegistered: 'parcelwatch.shipment.registered.v1',
  shipmentUpdated: 'parcelwatch.shipment.updated.v1',
  trackingSnapshotCaptured: 'parcelwatch.tracking.snapshot.captured.v1',
  checkpointsAdded: 'parcelwatch.shipment.checkpoints_added.v1',
  statusChanged: 'parcelwatch.shipment.status_changed.v1',
  milestoneReached: 'parcelwatch.shipment.milestone_reached.v1',
  exceptionOpened: 'parcelwatch.shipment.exception.opened.v1',
  exceptionEscalated: 'parcelwatch.shipment.exception.escalated.v1',
  exceptionResolved: 'parcelwatch.shipment.exception.resolved.v1',
  delayDetected: 'parcelwatch.shipment.delay.detected.v1',
  notificationSent: 'parcelwatch.notification.sent.v1',
  notificationFailed: 'parcelwatch.notification.failed.v1',
  notificationDeferred: 'parcelwatch.notification.deferred.v1',
  compensationDecided: 'parcelwatch.compensation.decided.v1',
  compensationApproved: 'parcelwatch.compensation.approved.v1',
  compensationRejected: 'parcelwatch.compensation.rejected.v1',
  compensationExecuted: 'parcelwatch.compensation.executed.v1',
  proofStored: 'parcelwatch.proof.stored.v1',
} as const;
export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

export type ServiceName = 'api' | 'cli' | 'poller' | 'normalizer' | 'detector' | 'notifier' | 'compensation' | 'archiver';

export interface TopicSpec {
  readonly name: string;
  /** Every topic is keyed by shipment id, so one shipment's events stay in order. */
  readonly key: 'shipment id';
  readonly producers: readonly ServiceName[];
  readonly consumers: readonly ServiceName[];
  readonly eventTypes: readonly EventType[];
}

const T = EVENT_TYPES;

/** ARCHITECTURE.md "Events", as data. */
export const TOPICS = [
  {
    name: 'shipments',
    key: 'shipment id',
    producers: ['api', 'cli'],
    consumers: ['poller', 'normalizer', 'detector'],
    eventTypes: [T.shipmentRegistered, T.shipmentUpdated],
  },
  {
    name: 'tracking.snapshots',
    key: 'shipment id',
    producers: ['poller', 'api'],
    consumers: ['normalizer', 'archiver'],
    eventTypes: [T.trackingSnapshotCaptured],
  },
  {
    name: 'shipment.events',
    key: 'shipment id',
    producers: ['normalizer'],
    consumers: ['detector', 'notifier', 'archiver'],
    eventTypes: [T.checkpointsAdded, T.statusChanged, T.milestoneReached],
  },
  {
    name: 'shipment.exceptions',
    key: 'shipment id',
    producers: ['detector'],
    consumers: ['notifier', 'compensation', 'archiver'],
    eventTypes: [T.exceptionOpened, T.exceptionEscalated, T.exceptionResolved],
  },
  {
    name: 'shipment.delays',
    key: 'shipment id',
    producers: ['detector'],
    consumers: ['compensation', 'notifier'],
    eventTypes: [T.delayDetected],
  },
  {
    name: 'notifications',
    key: 'shipment id',
    producers: ['notifier'],
    consumers: ['archiver'],
    eventTypes: [T.notificationSent, T.notificationFailed, T.notificationDeferred],
  },
  {
    name: 'compensations',
    key: 'shipment id',
    producers: ['compensation'],
    consumers: ['notifier', 'api'],
    eventTypes: [T.compensationDecided, T.compensationApproved, T.compensationRejected, T.compensationExecuted],
  },
  {
    name: 'proofs',
    key: 'shipment id',
    producers: ['archiver'],
    consumers: ['api'],
    eventTypes: [T.proofStored],
  },
] as const satisfies readonly TopicSpec[];

export type TopicName = (typeof TOPICS)[number]['name'];
export const TOPIC_NAMES = TOPICS.map((topic) => topic.name) as readonly TopicName[];

/** Topic names as constants, for producers: `TOPIC.trackingSnapshots`. */
export const TOPIC = {
  shipments: 'shipments',
  trackingSnapshots: 'tracking.snapshots',
  shipmentEvents: 'shipment.events',
  shipmentExceptions: 'shipment.exceptions',
  shipmentDelays: 'shipment.delays',
  notifications: 'notifications',
  compensations: 'compensations',
  proofs: 'proofs',
} as const satisfies Record<string, TopicName>;

export type EventTypeOnTopic<N extends TopicName> = Extract<(typeof TOPICS)[number], { name: N }>['eventTypes'][number];

export function isTopicName(name: string): name is TopicName {
  return (TOPIC_NAMES as readonly string[]).includes(name);
}

export function topicSpec(name: TopicName): TopicSpec {
  const spec = TOPICS.find((topic) => topic.name === name);
  if (!spec) throw new Error(`unknown topic ${name}`);
  return spec;
}

/** The topic that receives the messages of `name` that failed to parse or to process. */
export function dlqTopic(name: string): `${string}.dlq` {
  return `${name}.dlq`;
}

/** The topic an event type is published to. */
export function topicOfEventType(type: EventType): TopicName {
  const spec = TOPICS.find((topic) => (topic.eventTypes as readonly string[]).includes(type));
  if (!spec) throw new Error(`event type ${type} is on no topic`);
  return spec.name;
}
