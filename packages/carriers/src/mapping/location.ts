import { COUNTRY_CODES, type CountryCode, type Location } from '@parcelwatch/contracts';

const ALPHA2: ReadonlySet<string> = new Set(COUNTRY_CODES);

/**
 * ISO alpha-3 and English names for the countries on our lanes (AfterShip sends alpha-3,
 * carriers send names in free text). Anything else yields null and stays in `location.text`.
 */
const ALIASES: Readonly<Record<string, CountryCode>> = {
  CHN: 'CN', CHINA: 'CN', "PEOPLE'S REPUBLIC OF CHINA": 'CN',
  HKG: 'HK', 'HONG KONG': 'HK',
  TWN: 'TW', TAIWAN: 'TW',
  USA: 'US', 'UNITED STATES': 'US', 'UNITED STATES OF AMERICA': 'US',
  CAN: 'CA', CANADA: 'CA',
  MEX: 'MX', MEXICO: 'MX',
  BRA: 'BR', BRAZIL: 'BR', BRASIL: 'BR',
  GBR: 'GB', 'UNITED KINGDOM': 'GB', UK: 'GB', 'GREAT BRITAIN': 'GB',
  DEU: 'DE', GERMANY: 'DE', DEUTSCHLAND: 'DE',
  FRA: 'FR', FRANCE: 'FR',
  NLD: 'NL', NETHERLANDS: 'NL', 'THE NETHERLANDS': 'NL',
  BEL: 'BE', BELGIUM: 'BE',
  ESP: 'ES', SPAIN: 'ES',
  ITA: 'IT', ITALY: 'IT',
  POL: 'PL', POLAND: 'PL',
  SWE: 'SE', SWEDEN: 'SE',
  AUT: 'AT', AUSTRIA: 'AT',
  CHE: 'CH', SWITZERLAND: 'CH',
  IRL: 'IE', IRELAND: 'IE',
  AUS: 'AU', AUSTRALIA: 'AU',
  JPN: 'JP', JAPAN: 'JP',
  KOR: 'KR', 'SOUTH KOREA': 'KR',
  SGP: 'SG', SINGAPORE: 'SG',
  MYS: 'MY', MALAYSIA: 'MY',
  THA: 'TH', THAILAND: 'TH',
  IND: 'IN', INDIA: 'IN',
  ARE: 'AE', 'UNITED ARAB EMIRATES': 'AE',
};

/** An ISO alpha-2 code from alpha-2, alpha-3 or a common English name; null otherwise. */
export function toCountryCode(value: string | null | undefined): CountryCode | null {
  if (!value) return null;
  const key = value.trim().toUpperCase();
  if (ALPHA2.has(key)) return key as CountryCode;
  return ALIASES[key] ?? null;
}

function clean(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

export type LocationParts = {
  text?: string | null | undefined;
  city?: string | null | undefined;
  region?: string | null | undefined;
  postalCode?: string | null | undefined;
  country?: string | null | undefined;
};

/**
 * A contracts `Location` from whatever parts a provider sent. Without a raw text, the text is
 * composed from the parts so ops always see something readable.
 */
export function makeLocation(parts: LocationParts): Location {
  const city = clean(parts.city);
  const region = clean(parts.region);
  const postalCode = clean(parts.postalCode);
  const countryCode = toCountryCode(parts.country);
  const composed = [city, region, postalCode, clean(parts.country)].filter(Boolean).join(', ');
  return { city, region, postalCode, countryCode, text: clean(parts.text) ?? (composed || null) };
}
