import type { Provider } from '@parcelwatch/contracts';
import type { JourneyEvent } from '../journeys/journey.types.js';
import { hashText, seededRandom, type Random } from '../journeys/seeded-random.js';
import { wordingVariants } from '../journeys/wording.js';
import { NO_FAULTS, type FaultSettings, type FaultsInput, type RequestFaultKind } from './fault.settings.js';

export interface FaultInjector {
  /** Replaces the whole configuration (what PUT /sandbox/faults does). */
  configure(input: FaultsInput): void;
  /** Merges into the configuration for one provider (or `default`). */
  update(provider: Provider | 'default', settings: Partial<FaultSettings>): void;
  current(): FaultsInput;
  settingsFor(provider: Provider): FaultSettings;
  /** The fault for the next request to `provider`, if any. */
  nextRequestFault(provider: Provider): RequestFaultKind | null;
  /**
   * The checkpoints one answer shows: visible events with duplicates, swaps and rewordings
   * applied. `poll` counts this provider's answers for the number, from 1.
   */
  present(provider: Provider, trackingNumber: string, events: readonly JourneyEvent[], poll: number): JourneyEvent[];
  /** Counts of injected faults per provider and kind. */
  injected(): Record<string, Record<string, number>>;
}

export function createFaultInjector(seed: number, initial: FaultsInput = {}): FaultInjector {
  let config: FaultsInput = structuredClone(initial);
  const randoms = new Map<Provider, Random>();
  const counts: Record<string, Record<string, number>> = {};

  const count = (provider: Provider, kind: string, by = 1): void => {
    const perProvider = (counts[provider] ??= {});
    perProvider[kind] = (perProvider[kind] ?? 0) + by;
  };
  const randomFor = (provider: Provider): Random => {
    let rng = randoms.get(provider);
    if (!rng) {
      rng = seededRandom(hashText(`${seed}:faults:${provider}`));
      randoms.set(provider, rng);
    }
    return rng;
  };
  const settingsFor = (provider: Provider): FaultSettings => ({ ...NO_FAULTS, ...config.default, ...config[provider] });

  return {
    configure(input) {
      config = structuredClone(input);
    },
    update(provider, settings) {
      config = { ...config, [provider]: { ...config[provider], ...structuredClone(settings) } };
    },
    current: () => structuredClone(config),
    settingsFor,
    nextRequestFault(provider) {
      const settings = settingsFor(provider);
      let fault: RequestFaultKind | null = null;
      const own = config[provider];
      if (settings.outage !== null) {
        fault = settings.outage === 503 ? 'unavailable' : 'server_error';
      } else if (own?.script && own.script.length > 0) {
        const next = own.script.shift()!;
        fault = next === 'none' ? null : next;
      } else if (config.default?.script && config.default.script.length > 0) {
        const next = config.default.script.shift()!;
        fault = next === 'none' ? null : next;
      } else {
        const rng = randomFor(provider);
        const draw = rng.next();
        let edge = 0;
        for (const [kind, rate] of [
          ['rate_limited', settings.rateLimited],
          ['unavailable', settings.unavailable],
          ['server_error', settings.serverError],
          ['slow', settings.slow],
          ['malformed', settings.malformed],
        ] as const) {
          edge += rate;
          if (draw < edge) {
            fault = kind;
            break;
          }
        }
      }
      if (fault) count(provider, fault);
      return fault;
    },
    present(provider, trackingNumber, events, poll) {
      const settings = settingsFor(provider);
      // Seeded by the poll, so one answer is reproducible and the next one may differ.
      const rng = seededRandom(hashText(`${seed}:${provider}:${trackingNumber}:${poll}`));
      const shown: JourneyEvent[] = [];
      for (const event of events) {
        let current = event;
        if (poll > 1 && rng.chance(settings.editedWording)) {
          current = { ...event, wording: 1 + (poll % (wordingVariants(event.kind) - 1)) };
          count(provider, 'edited_wording');
        }
        shown.push(current);
        if (rng.chance(settings.duplicateCheckpoints)) {
          shown.push(current);
          count(provider, 'duplicate_checkpoint');
        }
      }
      if (shown.length >= 2 && rng.chance(settings.outOfOrder)) {
        const i = rng.int(0, shown.length - 2);
        [shown[i], shown[i + 1]] = [shown[i + 1]!, shown[i]!];
        count(provider, 'out_of_order');
      }
      return shown;
    },
    injected: () => structuredClone(counts),
  };
}
