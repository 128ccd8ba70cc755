/**
 * The postal operator named by a UPU S10 country suffix, as an AfterShip-style carrier slug.
 * Only operators our sellers' lanes meet are listed; any other ISO country falls back to
 * `upu-<cc>` so the candidate still says "the national post of <cc>".
 */
export const S10_OPERATORS: Readonly<Record<string, string>> = {
  CN: 'china-post',
  HK: 'hong-kong-post',
  TW: 'taiwan-post',
  SG: 'singapore-post',
  MY: 'malaysia-post',
  JP: 'japan-post',
  KR: 'korea-post',
  US: 'usps',
  CA: 'canada-post',
  GB: 'royal-mail',
  // AfterShip's slug for Deutsche Post Mail is spelled 'deutsch-post'.
  DE: 'deutsch-post',
  FR: 'la-poste-colissimo',
  NL: 'postnl',
  BE: 'bpost',
  ES: 'spain-correos-es',
  IT: 'poste-italiane',
  SE: 'postnord',
  DK: 'postnord',
  AU: 'australia-post',
  NZ: 'new-zealand-post',
  BR: 'brazil-correios',
  MX: 'correos-de-mexico',
  CH: 'swiss-post',
  AT: 'austrian-post-registered',
  PL: 'poczta-polska',
  IN: 'india-post-int',
  TH: 'thailand-post',
};

/**
 * China Post's EMS items (service indicator E*) are tracked as China EMS; every other CN
 * service, ePacket (L*) included, as China Post.
 */
export function s10OperatorFor(countryCode: string, serviceIndicator = ''): string {
  if (countryCode === 'CN' && serviceIndicator.startsWith('E')) return 'china-ems';
  return S10_OPERATORS[countryCode] ?? `upu-${countryCode.toLowerCase()}`;
}
