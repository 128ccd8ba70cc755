import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { COUNTRY_CODES, localDateTimeSchema, utcInstantSchema } from '@parcelwatch/contracts';
import { resolveCarrierTime, resolveEpochSeconds, resolveLocalWithOffset, type CarrierTime } from '../../src/index.js';
import { fuzzParams, oddText, oddTimeText } from './fuzz-support.js';

/*
 * Property: a carrier's time text is either unreadable (null, which the mappers turn into a
 * PayloadError) or a time the contracts accept, whose UTC instant is the wall time minus the
 * offset the carrier gave.
 */

const country = fc.option(fc.oneof(fc.constantFrom(...COUNTRY_CODES), fc.constantFrom('US', 'CN', 'BR', 'cn', 'XX', '', 'CHN', 'China')), { nil: null });
const offsetText = fc.option(
  fc.oneof(
    fc.constantFrom('Z', '+00:00', '-05:00', '+0800', '+8', '-3', '+05:45', '+14:00', '-12:00', '-13:00', '+14:59', '-14:00', '+15:00', '', ' ', 'GMT', '+99'),
    oddText,
  ),
  { nil: null },
);

function assertValidTime(time: CarrierTime | null): void {
  if (time === null) return;
  expect(utcInstantSchema.safeParse(time.occurredAt).success).toBe(true);
  expect(localDateTimeSchema.safeParse(time.localTime).success).toBe(true);
  expect(time.zoneUnknown).toBe(time.utcOffsetMinutes === null);
  if (time.utcOffsetMinutes !== null) {
    expect(time.utcOffsetMinutes).toBeGreaterThanOrEqual(-720);
    expect(time.utcOffsetMinutes).toBeLessThanOrEqual(840);
    const wall = Date.parse(`${time.localTime}Z`);
    expect(Date.parse(time.occurredAt)).toBe(wall - time.utcOffsetMinutes * 60_000);
  }
}

describe('carrier times under fuzzing', () => {
  it('resolveCarrierTime: null or a valid time, for any text and country', () => {
    fc.assert(
      fc.property(fc.oneof(oddTimeText, fc.string()), country, (text, code) => assertValidTime(resolveCarrierTime(text, code))),
      fuzzParams(3_000),
    );
  });

  it('resolveLocalWithOffset: null or a valid time, for any wall time and separate offset', () => {
    fc.assert(
      fc.property(oddTimeText, offsetText, country, (text, offset, code) => assertValidTime(resolveLocalWithOffset(text, offset, code))),
      // Regression: year 0000 placed in Asia/Shanghai fell into year -1 UTC.
      { ...fuzzParams<[string, string | null, string | null]>(3_000), examples: [['0000-01-01T0:00', null, 'cn'], ['2024-02-29', '-14:00', null]] },
    );
  });

  it('resolveEpochSeconds: null or a valid time, for any number', () => {
    const seconds = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -1, 253_402_300_799, 253_402_300_800, -62_167_219_200, -62_167_219_201, 8.64e12, Number.NaN, Infinity));
    fc.assert(fc.property(seconds, (value) => assertValidTime(resolveEpochSeconds(value))), fuzzParams(1_000));
  });
});
