import { envUrl } from '@parcelwatch/config';
import { z } from 'zod';
import type { AccountProvider, CarrierCredentials } from './carrier-accounts.js';
import { PROVIDER_DEFAULTS } from './tracking-client.js';

/*
 * A single-seller deployment's carrier accounts, from the environment, and every provider's base
 * URL. URLs default to the providers' production hosts; tests and the demo point them at the
 * carrier sandbox. Per-merchant accounts kept by the api take precedence over these.
 */

const url = (provider: AccountProvider) => envUrl(/^https?$/, 'http(s)://').default(PROVIDER_DEFAULTS[provider].baseUrl);
const secret = () => z.string().trim().min(1).optional();

export const carrierEnv = {
  CARRIER_17TRACK_URL: url('17track'),
  CARRIER_17TRACK_API_KEY: secret(),
  CARRIER_AFTERSHIP_URL: url('aftership'),
  CARRIER_AFTERSHIP_API_KEY: secret(),
  CARRIER_USPS_URL: url('usps'),
  CARRIER_USPS_CLIENT_ID: secret(),
  CARRIER_USPS_CLIENT_SECRET: secret(),
  CARRIER_UPS_URL: url('ups'),
  CARRIER_UPS_CLIENT_ID: secret(),
  CARRIER_UPS_CLIENT_SECRET: secret(),
  CARRIER_FEDEX_URL: url('fedex'),
  CARRIER_FEDEX_CLIENT_ID: secret(),
  CARRIER_FEDEX_CLIENT_SECRET: secret(),
  CARRIER_DHL_URL: url('dhl'),
  CARRIER_DHL_API_KEY: secret(),
};

type CarrierInput = Partial<Record<keyof typeof carrierEnv, unknown>>;

/** An OAuth client id without its secret (or the reverse) is a typo to report, not an account to skip. */
export const carrierRules = (['USPS', 'UPS', 'FEDEX'] as const).flatMap((p) => [
  z.refine<CarrierInput>((env) => env[`CARRIER_${p}_CLIENT_ID`] === undefined || env[`CARRIER_${p}_CLIENT_SECRET`] !== undefined, {
    path: [`CARRIER_${p}_CLIENT_SECRET`],
    message: `is required when CARRIER_${p}_CLIENT_ID is set`,
    when: () => true,
  }),
  z.refine<CarrierInput>((env) => env[`CARRIER_${p}_CLIENT_SECRET`] === undefined || env[`CARRIER_${p}_CLIENT_ID`] !== undefined, {
    path: [`CARRIER_${p}_CLIENT_ID`],
    message: `is required when CARRIER_${p}_CLIENT_SECRET is set`,
    when: () => true,
  }),
]);

export type CarrierSettings = z.output<z.ZodObject<typeof carrierEnv>>;

/** Each provider's base URL (production unless overridden). */
export function carrierUrls(settings: CarrierSettings): Record<AccountProvider, string> {
  return {
    '17track': settings.CARRIER_17TRACK_URL,
    aftership: settings.CARRIER_AFTERSHIP_URL,
    usps: settings.CARRIER_USPS_URL,
    ups: settings.CARRIER_UPS_URL,
    fedex: settings.CARRIER_FEDEX_URL,
    dhl: settings.CARRIER_DHL_URL,
  };
}

/** The accounts the environment configures, one per provider at most. */
export function carrierAccountsFromSettings(settings: CarrierSettings): CarrierCredentials[] {
  const accounts: CarrierCredentials[] = [];
  const key = (provider: '17track' | 'aftership' | 'dhl', apiKey: string | undefined) => {
    if (apiKey !== undefined) accounts.push({ provider, apiKey });
  };
  const oauth = (provider: 'usps' | 'ups' | 'fedex', clientId: string | undefined, clientSecret: string | undefined) => {
    if (clientId !== undefined && clientSecret !== undefined) accounts.push({ provider, clientId, clientSecret });
  };
  key('17track', settings.CARRIER_17TRACK_API_KEY);
  key('aftership', settings.CARRIER_AFTERSHIP_API_KEY);
  oauth('usps', settings.CARRIER_USPS_CLIENT_ID, settings.CARRIER_USPS_CLIENT_SECRET);
  oauth('ups', settings.CARRIER_UPS_CLIENT_ID, settings.CARRIER_UPS_CLIENT_SECRET);
  oauth('fedex', settings.CARRIER_FEDEX_CLIENT_ID, settings.CARRIER_FEDEX_CLIENT_SECRET);
  key('dhl', settings.CARRIER_DHL_API_KEY);
  return accounts;
}
