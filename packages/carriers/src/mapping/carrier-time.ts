import { DateTime } from 'luxon';

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

/** Civil offsets run from -12:00 (Baker Island) to +14:00 (Kiribati); the contracts hold checkpoints to that. */
const MIN_OFFSET_MINUTES = -12 * 60;
const MAX_OFFSET_MINUTES = 14 * 60;

/** '+08:00', '-0500', '-7:00', '+8', 'Z' -> minutes east of UTC; null when unreadable or outside -12:00..+14:00. */
export function parseUtcOffset(text: string): number | null {
  if (/^z$/i.test(text.trim())) return 0;
  const match = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(text.trim());
  if (!match) return null;
  const [, sign, hours = '0', minutes = '0'] = match;
  if (Number(minutes) > 59) return null;
  const total = (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
  if (total < MIN_OFFSET_MINUTES || total > MAX_OFFSET_MINUTES) return null;
  return total === 0 ? 0 : total;
}

const UTC_FORMAT = "yyyy-MM-dd'T'HH:mm:ss'Z'";
const LOCAL_FORMAT = "yyyy-MM-dd'T'HH:mm:ss";

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/**
 * A wall time at a fixed offset, by arithmetic: the common case (the carrier sent an offset, or
 * there is no zone to guess) and the normalizer's hot path, where luxon costs most of a mapping.
 * Null for a wall time that does not exist on the calendar (2025-02-30, 25:00).
 */
function fromWallTimeAtOffset(localTime: string, offsetMinutes: number, zoneUnknown: boolean): CarrierTime | null {
  const [year, month, day, hours, minutes, seconds] = localTime.split(/[-T:]/).map(Number) as [number, number, number, number, number, number];
  const wall = new Date(0);
  wall.setUTCFullYear(year, month - 1, day);
  wall.setUTCHours(hours, minutes, seconds, 0);
  const exists =
    wall.getUTCFullYear() === year && wall.getUTCMonth() === month - 1 && wall.getUTCDate() === day &&
    wall.getUTCHours() === hours && wall.getUTCMinutes() === minutes && wall.getUTCSeconds() === seconds;
  if (!exists) return null;
  const instant = new Date(wall.getTime() - offsetMinutes * 60_000);
  if (instant.getUTCFullYear() < 0 || instant.getUTCFullYear() > 9999) return null;
  const occurredAt = `${pad(instant.getUTCFullYear(), 4)}-${pad(instant.getUTCMonth() + 1)}-${pad(instant.getUTCDate())}T${pad(instant.getUTCHours())}:${pad(instant.getUTCMinutes())}:${pad(instant.getUTCSeconds())}Z`;
  return { occurredAt, localTime, utcOffsetMinutes: zoneUnknown ? null : offsetMinutes, zoneUnknown };
}

function fromWallTime(localTime: string, offsetMinutes: number | null, countryCode: string | null | undefined): CarrierTime | null {
  const countryZone = offsetMinutes === null ? singleZoneOf(countryCode) : null;
  if (countryZone === null) return fromWallTimeAtOffset(localTime, offsetMinutes ?? 0, offsetMinutes === null);
  const local = DateTime.fromISO(localTime, { zone: countryZone });
  const utc = local.toUTC();
  // 0000-01-01 in an east-of-UTC zone is in year -1 in UTC: no ISO instant we can write.
  if (!local.isValid || utc.year < 0 || utc.year > 9999) return null;
  return {
    occurredAt: utc.toFormat(UTC_FORMAT),
    localTime: local.toFormat(LOCAL_FORMAT),
    utcOffsetMinutes: null,
    zoneUnknown: true,
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
  // Years past 9999 print as '+010000-...', which is no ISO instant.
  if (!instant.isValid || instant.year < 0 || instant.year > 9999) return null;
  return { occurredAt: instant.toFormat(UTC_FORMAT), localTime: instant.toFormat(LOCAL_FORMAT), utcOffsetMinutes: 0, zoneUnknown: false };
}
