import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { nextDayFirstSendable, quietHoursEnd, scheduleIntent, sendTimeCheck } from '../src/domain/send-schedule.js';

const QUIET = { start: '21:00', end: '08:00' };
const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
const local = (at: DateTime, zone: string) => at.setZone(zone).toFormat('yyyy-MM-dd HH:mm');

describe('quiet hours in the buyer zone', () => {
  it('defers a Berlin buyer at 23:10 to 08:00 the next morning', () => {
    const at = utc('2025-03-01T22:10:00Z'); // 23:10 in Berlin (CET)
    const end = quietHoursEnd(at, 'Europe/Berlin', QUIET);
    expect(end?.toISO()).toBe('2025-03-02T07:00:00.000Z');
    expect(local(end!, 'Europe/Berlin')).toBe('2025-03-02 08:00');
  });

  it('defers an early-morning message to 08:00 the same day, and lets daytime through', () => {
    expect(local(quietHoursEnd(utc('2025-03-01T05:30:00Z'), 'Europe/Berlin', QUIET)!, 'Europe/Berlin')).toBe('2025-03-01 08:00');
    expect(quietHoursEnd(utc('2025-03-01T07:00:00Z'), 'Europe/Berlin', QUIET)).toBeNull(); // 08:00 sharp is allowed
    expect(quietHoursEnd(utc('2025-03-01T19:59:00Z'), 'Europe/Berlin', QUIET)).toBeNull(); // 20:59
  });

  it('reads quiet hours in the buyer zone, not in UTC: Los Angeles', () => {
    // 05:00 UTC is 21:00 in Los Angeles (PST): quiet there although it is morning in Europe.
    const end = quietHoursEnd(utc('2025-01-15T05:00:00Z'), 'America/Los_Angeles', QUIET);
    expect(end?.toISO()).toBe('2025-01-15T16:00:00.000Z');
    expect(quietHoursEnd(utc('2025-01-15T20:00:00Z'), 'America/Los_Angeles', QUIET)).toBeNull(); // 12:00 PST
  });

  it('ends at 08:00 local on the night clocks change (Berlin spring forward, LA fall back)', () => {
    // 2025-03-30: Berlin goes from CET (+1) to CEST (+2) at 02:00.
    const berlin = quietHoursEnd(utc('2025-03-29T21:30:00Z'), 'Europe/Berlin', QUIET);
    expect(berlin?.toISO()).toBe('2025-03-30T06:00:00.000Z');
    expect(local(berlin!, 'Europe/Berlin')).toBe('2025-03-30 08:00');
    // 2025-11-02: Los Angeles goes from PDT (-7) to PST (-8) at 02:00.
    const la = quietHoursEnd(utc('2025-11-02T05:00:00Z'), 'America/Los_Angeles', QUIET); // 22:00 PDT
    expect(la?.toISO()).toBe('2025-11-02T16:00:00.000Z');
  });

  it('handles quiet hours within one day and none at all', () => {
    const midday = { start: '12:00', end: '14:00' };
    expect(local(quietHoursEnd(utc('2025-03-01T12:30:00Z'), 'UTC', midday)!, 'UTC')).toBe('2025-03-01 14:00');
    expect(quietHoursEnd(utc('2025-03-01T15:00:00Z'), 'UTC', midday)).toBeNull();
    expect(quietHoursEnd(utc('2025-03-01T23:00:00Z'), 'UTC', null)).toBeNull();
  });
});

describe('scheduling an intent', () => {
  const base = { zone: 'Europe/Berlin', quietHours: QUIET, dailyCap: 3, otherIntents: [] as DateTime[] };

  it('sends at the later of event time and now', () => {
    const now = utc('2025-03-01T10:00:00Z');
    expect(scheduleIntent({ ...base, now, occurredAt: utc('2025-03-01T09:00:00Z') })).toEqual({ at: now, deferReason: null });
    const future = utc('2025-03-01T11:00:00Z');
    expect(scheduleIntent({ ...base, now, occurredAt: future }).at.toISO()).toBe(future.toISO());
  });

  it('defers in quiet hours', () => {
    const decision = scheduleIntent({ ...base, now: utc('2025-03-01T22:10:00Z'), occurredAt: utc('2025-03-01T22:00:00Z') });
    expect(decision.deferReason).toBe('quiet_hours');
    expect(decision.at.toISO()).toBe('2025-03-02T07:00:00.000Z');
  });

  it('counts the cap per buyer-local day and defers the fourth message to the next morning', () => {
    const now = utc('2025-03-01T15:00:00Z'); // 16:00 Berlin
    const sameDay = [utc('2025-03-01T08:00:00Z'), utc('2025-03-01T10:00:00Z'), utc('2025-03-01T14:00:00Z')];
    const decision = scheduleIntent({ ...base, now, occurredAt: now, otherIntents: sameDay });
    expect(decision).toEqual({ at: utc('2025-03-02T07:00:00Z'), deferReason: 'daily_cap' });
    // Yesterday's messages (local day) do not count: 23:30 UTC on 28 Feb is 00:30 on 1 March in Berlin, 22:30 UTC is not.
    const spread = [utc('2025-02-28T22:30:00Z'), utc('2025-02-28T22:40:00Z'), utc('2025-03-01T09:00:00Z')];
    expect(scheduleIntent({ ...base, now, occurredAt: now, otherIntents: spread }).deferReason).toBeNull();
  });

  it('skips several full days', () => {
    const now = utc('2025-03-01T15:00:00Z');
    const full = [...Array(3).keys()].flatMap((i) => [utc('2025-03-01T09:00:00Z'), utc('2025-03-02T09:00:00Z')].map((d) => d.plus({ minutes: i })));
    const decision = scheduleIntent({ ...base, now, occurredAt: now, otherIntents: full });
    expect(local(decision.at, 'Europe/Berlin')).toBe('2025-03-03 08:00');
    expect(decision.deferReason).toBe('daily_cap');
  });

  it('defers to the next non-quiet minute of the next day, also across a DST change', () => {
    expect(local(nextDayFirstSendable(utc('2025-03-29T15:00:00Z'), 'Europe/Berlin', QUIET), 'Europe/Berlin')).toBe('2025-03-30 08:00');
    expect(local(nextDayFirstSendable(utc('2025-03-29T15:00:00Z'), 'Europe/Berlin', null), 'Europe/Berlin')).toBe('2025-03-30 00:00');
  });

  it('re-checks quiet hours and the cap at send time', () => {
    const check = { zone: 'America/Los_Angeles', quietHours: QUIET, dailyCap: 3 };
    expect(sendTimeCheck({ ...check, now: utc('2025-01-15T20:00:00Z'), sentToday: 2 })).toBeNull();
    expect(sendTimeCheck({ ...check, now: utc('2025-01-15T20:00:00Z'), sentToday: 3 })).toEqual({ at: utc('2025-01-16T16:00:00Z'), deferReason: 'daily_cap' });
    expect(sendTimeCheck({ ...check, now: utc('2025-01-16T06:00:00Z'), sentToday: 0 })).toEqual({ at: utc('2025-01-16T16:00:00Z'), deferReason: 'quiet_hours' });
  });
});
