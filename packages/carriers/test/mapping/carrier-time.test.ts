import { describe, expect, it } from '@jest/globals';
import { parseUtcOffset, resolveCarrierTime, resolveEpochSeconds, resolveLocalWithOffset, singleZoneOf } from '../../src/index.js';

describe('resolveCarrierTime', () => {
  it('keeps the wall time and offset of an ISO time with offset', () => {
    expect(resolveCarrierTime('2026-06-28T08:40:00-03:00')).toEqual({
      occurredAt: '2026-06-28T11:40:00Z',
      localTime: '2026-06-28T08:40:00',
      utcOffsetMinutes: -180,
      zoneUnknown: false,
    });
  });

  it('accepts Z, a space before a compact offset, fractions, a bare date and missing seconds', () => {
    expect(resolveCarrierTime('2018-03-02T07:53:47Z')).toMatchObject({ occurredAt: '2018-03-02T07:53:47Z', utcOffsetMinutes: 0 });
    expect(resolveCarrierTime('2024-08-12T15:18:10 -0500')).toMatchObject({ occurredAt: '2024-08-12T20:18:10Z', utcOffsetMinutes: -300 });
    expect(resolveCarrierTime('2024-11-15 11:09:19.000000')).toMatchObject({ localTime: '2024-11-15T11:09:19', zoneUnknown: true });
    expect(resolveCarrierTime('2024-11-15')).toMatchObject({ localTime: '2024-11-15T00:00:00' });
    expect(resolveCarrierTime('2024-11-15T9:05+05:30')).toMatchObject({ occurredAt: '2024-11-15T03:35:00Z', utcOffsetMinutes: 330 });
  });

  it('reads a zone-less time in the single zone of the country, else as UTC, and flags it', () => {
    expect(resolveCarrierTime('2026-01-10T12:00:00', 'CN')).toEqual({
      occurredAt: '2026-01-10T04:00:00Z',
      localTime: '2026-01-10T12:00:00',
      utcOffsetMinutes: null,
      zoneUnknown: true,
    });
    // Europe/Berlin follows daylight saving time: +02:00 in July.
    expect(resolveCarrierTime('2026-07-10T12:00:00', 'DE')?.occurredAt).toBe('2026-07-10T10:00:00Z');
    expect(resolveCarrierTime('2026-07-10T12:00:00', 'US')?.occurredAt).toBe('2026-07-10T12:00:00Z');
    expect(resolveCarrierTime('2026-07-10T12:00:00')?.occurredAt).toBe('2026-07-10T12:00:00Z');
    expect(singleZoneOf('BR')).toBeNull();
  });

  it('carries an offset across the day and year, and knows leap days', () => {
    expect(resolveCarrierTime('2025-01-01T02:30:00+08:00')?.occurredAt).toBe('2024-12-31T18:30:00Z');
    expect(resolveCarrierTime('2024-12-31T20:00:00-10:00')?.occurredAt).toBe('2025-01-01T06:00:00Z');
    expect(resolveCarrierTime('2024-02-29T10:00:00Z')?.occurredAt).toBe('2024-02-29T10:00:00Z');
    expect(resolveCarrierTime('2025-02-29T10:00:00Z')).toBeNull();
  });

  it('returns null for text that is not a time', () => {
    for (const text of ['yesterday', '2024-13-45T10:00:00', '2024-04-31T10:00:00+02:00', '2024-01-01T10:60:00Z', '10:00', '2024-01-01T25:00:00', '2024-01-01T10:00:00+99:00']) {
      expect(resolveCarrierTime(text)).toBeNull();
    }
  });
});

describe('offsets and epochs', () => {
  it('parses the offset spellings carriers use', () => {
    expect([parseUtcOffset('+08:00'), parseUtcOffset('-0500'), parseUtcOffset('-7:00'), parseUtcOffset('+8'), parseUtcOffset('Z')]).toEqual([480, -300, -420, 480, 0]);
    expect(parseUtcOffset('GMT')).toBeNull();
  });

  it('combines a wall time with a separate offset, which wins over one glued to the time', () => {
    expect(resolveLocalWithOffset('2024-02-02T12:04:35', '-08:00')).toMatchObject({ occurredAt: '2024-02-02T20:04:35Z', utcOffsetMinutes: -480 });
    expect(resolveLocalWithOffset('2024-02-02T12:04:35+01:00', '-08:00')).toMatchObject({ occurredAt: '2024-02-02T20:04:35Z' });
    expect(resolveLocalWithOffset('2024-02-02T12:04:35', null)).toMatchObject({ zoneUnknown: true });
  });

  it('reads epoch seconds as an exact instant at offset 0', () => {
    expect(resolveEpochSeconds(1694685539)).toEqual({ occurredAt: '2023-09-14T09:58:59Z', localTime: '2023-09-14T09:58:59', utcOffsetMinutes: 0, zoneUnknown: false });
  });
});
