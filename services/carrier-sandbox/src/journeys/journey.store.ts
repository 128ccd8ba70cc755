import type { DateTime } from 'luxon';
import { generateJourney, type JourneyRequest } from './journey.generator.js';
import { seededRandom } from './seeded-random.js';
import { seededTrackingNumbers } from './tracking-numbers.js';
import type { Journey, JourneyEvent, JourneyRates } from './journey.types.js';

export type ShipmentInput = Omit<JourneyRequest, 'shippedAt'> & { shippedAt?: DateTime };

export interface BatchOptions {
  count: number;
  /** Journeys start between `spreadDays` before `endAt` and `endAt` (the clock's now by default). */
  spreadDays?: number;
  endAt?: DateTime;
  lane?: JourneyRequest['lane'];
  /** Forces the outcome or incidents of some journeys of the batch, by their index (drawn otherwise). */
  shape?: (index: number) => Pick<JourneyRequest, 'outcome' | 'incidents'> | undefined;
}

/** The sandbox's shipments: generated once, then revealed event by event as the clock moves. */
export interface JourneyStore {
  readonly seed: number;
  create(inputs: readonly ShipmentInput[]): Journey[];
  createBatch(options: BatchOptions): Journey[];
  get(trackingNumber: string): Journey | undefined;
  getByOrderId(orderId: string): Journey | undefined;
  all(): Journey[];
  /** The events a carrier could report at `now`: those that have happened, oldest first. */
  visibleEvents(journey: Journey, now: DateTime): JourneyEvent[];
}

export function createJourneyStore(options: { seed: number; rates: JourneyRates; now: () => DateTime }): JourneyStore {
  const byNumber = new Map<string, Journey>();
  const byOrder = new Map<string, Journey>();
  let batches = 0;

  function add(journey: Journey): Journey {
    // Re-creating a known number keeps the first journey: the sandbox is idempotent per number.
    const existing = byNumber.get(journey.trackingNumber);
    if (existing) return existing;
    byNumber.set(journey.trackingNumber, journey);
    byOrder.set(journey.orderId, journey);
    return journey;
  }

  return {
    seed: options.seed,
    create(inputs) {
      return inputs.map((input) =>
        add(generateJourney(options.seed, { ...input, shippedAt: input.shippedAt ?? options.now() }, options.rates)),
      );
    },
    createBatch({ count, spreadDays = 0, endAt, lane, shape }) {
      const end = endAt ?? options.now();
      // Each batch draws fresh numbers, still reproducible from the seed and the batch index.
      batches += 1;
      const numbers = seededTrackingNumbers(options.seed + batches * 7919, count);
      const rng = seededRandom(options.seed + batches);
      return numbers.map((trackingNumber, index) => {
        const shippedAt = end.minus({ minutes: Math.round(rng.between(0, spreadDays * 24 * 60)) });
        return add(generateJourney(options.seed, { trackingNumber, shippedAt, ...(lane ? { lane } : {}), ...shape?.(index) }, options.rates));
      });
    },
    get: (trackingNumber) => byNumber.get(trackingNumber),
    getByOrderId: (orderId) => byOrder.get(orderId),
    all: () => [...byNumber.values()],
    visibleEvents(journey, now) {
      const nowMs = now.toMillis();
      return journey.events.filter((event) => Date.parse(event.occurredAt) <= nowMs);
    },
  };
}
