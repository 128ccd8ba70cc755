import { KafkaBus, type KafkaBusOptions, type KafkaEventBus } from './kafka-bus.js';
import { PlatformaticKafkaBus } from './platformatic-kafka-bus.js';

/**
 * The Kafka client library under the bus (KAFKA_CLIENT). Both adapters pass the same contract
 * suite; kafkajs stays the default until the platformatic one has shown, in `npm run bench -- bus`
 * and the contract suite, that it is at least as fast and as safe (docs/benchmarks.md).
 */
export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;
export type KafkaClientName = (typeof KAFKA_CLIENTS)[number];
export const DEFAULT_KAFKA_CLIENT: KafkaClientName = 'kafkajs';

export function createKafkaBus(client: KafkaClientName | undefined, options: KafkaBusOptions): KafkaEventBus {
  return (client ?? DEFAULT_KAFKA_CLIENT) === 'platformatic' ? new PlatformaticKafkaBus(options) : new KafkaBus(options);
}
