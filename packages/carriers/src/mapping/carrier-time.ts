import { DateTime, FixedOffsetZone } from 'luxon';

/** When a scan happened: the UTC instant plus what the carrier said, see `NormalizedCheckpoint`. */
export type CarrierTime = {
  occurredAt: string;
  localTime: string;
  utcOffsetMinutes: number | null;
  zoneUnknown: boolean;
};

/**
 * Countries that keep one civil time zone (including DST rules) across their territory, so a
 * wall time without an offset can still be placed in time. Multi-zone countries (US, CA, BR,
 * MX, AU, RU, ID, ...) and countries with outlying zones (ES, PT, NZ, FR overseas use their own
 * ISO codes so FR stays) are left out on purpose: a guessed zone there can be hours wrong,
 * and UTC is at least an honest, documented default.
 */
const SINGLE_ZONE_BY_COUNTRY: Readonly<Record<string, string>> = {
  CN: 'Asia/Shanghai',
  HK: 'Asia/Hong_Kong',
  MO: 'Asia/Macau',
  TW: 'Asia/Taipei',
  JP: 'Asia/Tokyo',
  KR: 'Asia/Seoul',
  SG: 'Asia/Singapore',
  MY: 'Asia/Kuala_Lumpur',
  TH: 'Asia/Bangkok',
  VN: 'Asia/Ho_Chi_Minh',
  PH: 'Asia/Manila',
  IN: 'Asia/Kolkata',
  AE: 'Asia/Dubai',
  SA: 'Asia/Riyadh',
  IL: 'Asia/Jerusalem',
  TR: 'Europe/Istanbul',
  GB: 'Europe/London',
  IE: 'Europe/Dublin',
  DE: 'Europe/Berlin',
  FR: 'Europe/Paris',
  NL: 'Europe/Amsterdam',
  BE: 'Europe/Brussels',
  LU: 'Europe/Luxembourg',
  IT: 'Europe/Rome',
  AT: 'Europe/Vienna',
  CH: 'Europe/Zurich',
  PL: 'Europe/Warsaw',
  CZ: 'Europe/Prague',
  SK: 'Europe/Bratislava',
  HU: 'Europe/Budapest',
  SE: 'Europe/Stockholm',
  NO: 'Europe/Oslo',
  DK: 'Europe/Copenhagen',
  FI: 'Europe/Helsinki',
  GR: 'Europe/Athens',
  RO: 'Europe/Bucharest',
  ZA: 'Africa/Johannesburg',
};

/** The one IANA zone of a single-zone country, or null (unknown, or several zones). */
export function singleZoneOf(countryCode: string | null | undefined): string | null {
  return countryCode ? (SINGLE_ZONE_BY_COUNTRY[countryCode.toUpperCase()] ?? null) : null;
}

const CARRIER_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(Z|[+-]\d{1,2}(?::?\d{2})?)?$/i;

/** '+08:00', '-0500', '-7:00', '+8', 'Z' -> minutes east of UTC; null when unreadable. */
export function parseUtcOffset(text: string): number | null {
  if (/^z$/i.test(text.trim())) return 0;
  const match = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(text.trim());
  if (!match) return null;
  const [, sign, hours = '0', minutes = '0'] = match;
  const total = Number(hours) * 60 + Number(minutes);
  if (total > 14 * 60) return null;
  return sign === '-' ? -total : total;
}

const UTC_FORMAT = "yyyy-MM-dd'T'HH:mm:ss'Z'";
const LOCAL_FORMAT = "yyyy-MM-dd'T'HH:mm:ss";

function fromWallTime(localTime: string, offsetMinutes: number | null, countryCode: string | null | undefined): CarrierTime | null {
  const zone = offsetMinutes === null ? (singleZoneOf(countryCode) ?? 'UTC') : FixedOffsetZone.instance(offsetMinutes);
  const local = DateTime.fromISO(localTime, { zone });
  if (!local.isValid) return null;
  return {
    occurredAt: local.toUTC().toFormat(UTC_FORMAT),
    localTime: local.toFormat(LOCAL_FORMAT),
    utcOffsetMinutes: offsetMinutes,
    zoneUnknown: offsetMinutes === null,
  };
}

/**
 * Read a carrier's time text: ISO 8601 with an offset, with `Z`, or with no zone at all;
 * a space instead of `T` and fractional seconds are tolerated; a bare date means midnight.
 *
 * Without a zone the wall time is placed in the single zone of `countryCode` when it has
 * one (a Shenzhen scan in Asia/Shanghai), otherwise read as UTC; either way the result says
 * `zoneUnknown: true` with a null offset, so ordering against other carriers stays approximate.
 * Returns null for text that is not a time.
 */
export function resolveCarrierTime(text: string, countryCode?: string | null): CarrierTime | null {
  const match = CARRIER_TIME.exec(text.trim());
  if (!match) return null;
  const [, date, hours, minutes = '00', seconds = '00', offsetText] = match;
  const localTime = `${date}T${(hours ?? '00').padStart(2, '0')}:${minutes}:${seconds}`;
  if (offsetText === undefined) return fromWallTime(localTime, null, countryCode);
  const offset = parseUtcOffset(offsetText);
  return offset === null ? null : fromWallTime(localTime, offset, countryCode);
}

/** A wall time plus a separately sent offset (UPS `gmtOffset`, USPS `GMTOffset`). */
export function resolveLocalWithOffset(
  localText: string,
  offsetText: string | null | undefined,
  countryCode?: string | null,
): CarrierTime | null {
  const offset = offsetText ? parseUtcOffset(offsetText) : null;
  // Drop an offset glued to the wall time (v3r2 sometimes sends one); the separate field wins.
  const wall = localText.trim().replace(/(\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?)\s*(?:Z|[+-]\d{1,2}(?::?\d{2})?)$/i, '$1');
  const base = resolveCarrierTime(wall, countryCode);
  if (!base || offset === null) return base;
  return fromWallTime(base.localTime, offset, countryCode);
}

/** A UNIX timestamp in seconds (TikTok Shop): exact instant, shown at offset 0. */
export function resolveEpochSeconds(seconds: number): CarrierTime | null {
  const instant = DateTime.fromSeconds(seconds, { zone: 'UTC' });
  if (!instant.isValid) return null;
  return { occurredAt: instant.toFormat(UTC_FORMAT), localTime: instant.toFormat(LOCAL_FORMAT), utcOffsetMinutes: 0, zoneUnknown: false };
}
