import { PROVIDER_DEFAULTS, trackInBatches, transportFor, withRegistry, type ClientCommonOptions, type TrackingClient } from './tracking-client.js';

export interface DhlClientOptions extends ClientCommonOptions {
  /** The app's Consumer Key, sent as `DHL-API-Key` (the secret is not used). */
  apiKey: string;
  /** Division hint; without it a number may match another division's shipment. */
  service?: string;
  language?: string;
}

/** DHL Shipment Tracking (unified): one GET per number; the 404 problem body means not found. */
export function createDhlClient(options: DhlClientOptions): TrackingClient {
  const base = options.baseUrl ?? PROVIDER_DEFAULTS.dhl.baseUrl;
  const transport = transportFor('dhl', options.apiKey, withRegistry(options), { answerStatuses: [404] });
  return {
    provider: 'dhl',
    track(numbers, trackOptions = {}) {
      return trackInBatches('dhl', numbers, 1, ([number]) => {
        const query = new URLSearchParams({ trackingNumber: number! });
        if (options.service) query.set('service', options.service);
        if (options.language) query.set('language', options.language);
        return transport.send(
          () => ({ method: 'GET', url: `${base}/track/shipments?${query}`, headers: { 'DHL-API-Key': options.apiKey, accept: 'application/json' } }),
          trackOptions.signal,
        );
      });
    },
  };
}
