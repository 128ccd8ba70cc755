// The services' build functions use the registry's topic and group names (as `parcelwatch start`
// does). On the shared harness broker those names belong to the demo's test, so this run sees
// them through a namespace: every topic and group the services name gets this run's suffix on
// the wire, and handlers see the registry names again. Nothing inside a service changes.
import type { BusConsumer, EventBus, OutgoingRecord, PublishOptions, SubscribeOptions } from '@parcelwatch/bus';
import type { Envelope } from '@parcelwatch/contracts';

export class NamespacedBus implements EventBus {
  constructor(
    private readonly inner: EventBus,
    private readonly suffix: string,
  ) {}

  /** The topic's name on the broker. */
  topic(name: string): string {
    return `${name}-${this.suffix}`;
  }

  private registryName(wire: string): string {
    const tail = `-${this.suffix}`;
    return wire.endsWith(tail) ? wire.slice(0, -tail.length) : wire;
  }

  connect(): Promise<void> {
    return this.inner.connect();
  }

  disconnect(): Promise<void> {
    return this.inner.disconnect();
  }

  publish(topic: string, events: readonly Envelope[], options?: PublishOptions): Promise<void> {
    return this.inner.publish(this.topic(topic), events, options);
  }

  send(records: readonly OutgoingRecord[]): Promise<void> {
    return this.inner.send(records.map((record) => ({ ...record, topic: this.topic(record.topic) })));
  }

  subscribe<T = Envelope>(options: SubscribeOptions<T>): BusConsumer {
    const topics = typeof options.topics === 'string' ? [options.topics] : [...options.topics];
    return this.inner.subscribe<T>({
      ...options,
      topics: topics.map((topic) => this.topic(topic)),
      groupId: `${options.groupId}-${this.suffix}`,
      handler: (messages, context) =>
        options.handler(
          messages.map((message) => ({ ...message, topic: this.registryName(message.topic) })),
          { ...context, groupId: options.groupId, topic: this.registryName(context.topic) },
        ),
    });
  }
}
