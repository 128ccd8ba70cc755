/** ISO 3166-1 alpha-2 -> alpha-3 and English name, for the countries on the sandbox's lanes. */
const COUNTRIES: Readonly<Record<string, readonly [string, string]>> = {
  CN: ['CHN', 'China'],
  HK: ['HKG', 'Hong Kong'],
  US: ['USA', 'United States'],
  DE: ['DEU', 'Germany'],
  FR: ['FRA', 'France'],
  ES: ['ESP', 'Spain'],
  IT: ['ITA', 'Italy'],
  NL: ['NLD', 'Netherlands'],
  BE: ['BEL', 'Belgium'],
};

export function iso3(alpha2: string): string {
  return COUNTRIES[alpha2]?.[0] ?? alpha2;
}

export function countryName(alpha2: string): string {
  return COUNTRIES[alpha2]?.[1] ?? alpha2;
}
