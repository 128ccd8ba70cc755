import { describe, expect, it } from '@jest/globals';
import { DEFAULT_THRESHOLDS, fileOverrides, orderBySpecificity, thresholdsFor, withDefaults, type ThresholdOverride } from '../src/domain/thresholds.js';
import { parseThresholdsFile, ThresholdsFileError } from '../src/thresholds.config.js';

const MERCHANT = '0193a1b2-0000-7000-8000-0000000000aa';
const OTHER_MERCHANT = '0193a1b2-0000-7000-8000-0000000000bb';
const shipment = { carrier: 'china-post', originCountry: 'CN', destinationCountry: 'US', merchantId: MERCHANT };

function override(scope: Partial<ThresholdOverride>, days: number, source: ThresholdOverride['source'] = 'file'): ThresholdOverride {
  return { rule: 'stalled', carrier: null, originCountry: null, destinationCountry: null, merchantId: null, threshold: { days }, source, ...scope };
}

const stalledDays = (overrides: ThresholdOverride[], target = shipment) => thresholdsFor(DEFAULT_THRESHOLDS, orderBySpecificity(overrides), target).stalled.days;

describe('threshold precedence: merchant > lane (both countries > one) > carrier > none; database > file at equal scope', () => {
  it('keeps the defaults when nothing matches', () => {
    expect(stalledDays([override({ carrier: 'ups' }, 9), override({ merchantId: OTHER_MERCHANT }, 8)])).toBe(5);
  });
  it('a carrier override beats the global one', () => {
    expect(stalledDays([override({ carrier: 'china-post' }, 9), override({}, 6)])).toBe(9);
  });
  it('a lane beats a carrier, a full lane beats a destination alone', () => {
    expect(stalledDays([override({ originCountry: 'CN', destinationCountry: 'US' }, 11), override({ destinationCountry: 'US' }, 10), override({ carrier: 'china-post' }, 9)])).toBe(11);
    expect(stalledDays([override({ destinationCountry: 'US' }, 10), override({ carrier: 'china-post' }, 9)])).toBe(10);
  });
  it('a merchant beats a lane + carrier, and merchant + carrier beats merchant alone', () => {
    expect(stalledDays([override({ merchantId: MERCHANT }, 12), override({ originCountry: 'CN', destinationCountry: 'US', carrier: 'china-post' }, 11)])).toBe(12);
    expect(stalledDays([override({ merchantId: MERCHANT, carrier: 'china-post' }, 13), override({ merchantId: MERCHANT }, 12)])).toBe(13);
  });
  it('at equal scope the database beats the file, whatever the order', () => {
    expect(stalledDays([override({ carrier: 'china-post' }, 7, 'database'), override({ carrier: 'china-post' }, 9, 'file')])).toBe(7);
  });
  it('merges field by field: a specific override of one field keeps the other from a broader one', () => {
    const thresholds = thresholdsFor(DEFAULT_THRESHOLDS, orderBySpecificity([
      { ...override({}, 6), threshold: { days: 6, postalDays: 10 } },
      override({ merchantId: MERCHANT }, 4),
    ]), shipment);
    expect(thresholds.stalled).toEqual({ days: 4, postalDays: 10 });
    expect(DEFAULT_THRESHOLDS.stalled).toEqual({ days: 5, postalDays: 7 });
  });
});

describe('the thresholds file', () => {
  it('reads YAML with defaults and scoped overrides', () => {
    const file = parseThresholdsFile(`
defaults:
  lost: { days: 25 }
overrides:
  - rule: stalled
    carrier: china-post
    destination: US
    threshold: { postalDays: 9 }
  - rule: not_picked_up
    merchantId: ${MERCHANT}
    threshold: { hours: 48 }
`);
    expect(withDefaults(DEFAULT_THRESHOLDS, file).lost.days).toBe(25);
    const thresholds = thresholdsFor(withDefaults(DEFAULT_THRESHOLDS, file), orderBySpecificity(fileOverrides(file)), shipment);
    expect(thresholds).toMatchObject({ stalled: { days: 5, postalDays: 9 }, not_picked_up: { hours: 48 }, lost: { days: 25 } });
  });
  it('reads JSON too', () => {
    expect(parseThresholdsFile('{"overrides": [{"rule": "lost", "origin": "CN", "threshold": {"days": 40}}]}').overrides).toHaveLength(1);
  });
  it.each([
    ['an unknown rule', 'overrides: [{ rule: slow, threshold: { days: 1 } }]', /overrides/],
    ['a field of another rule', 'overrides: [{ rule: stalled, threshold: { hours: 1 } }]', /threshold/],
    ['a negative threshold', 'overrides: [{ rule: lost, threshold: { days: -1 } }]', /threshold.days/],
    ['a lower-case country', 'overrides: [{ rule: lost, origin: cn, threshold: { days: 3 } }]', /origin/],
    ['an unknown top-level key', 'rules: []', /rules|Unrecognized/],
    ['broken YAML', 'overrides: [', /not valid YAML/],
  ])('refuses %s with the reason', (_label, text, reason) => {
    const failure = (() => {
      try {
        parseThresholdsFile(text, 'thresholds.yaml');
        return null;
      } catch (err) {
        return err as Error;
      }
    })();
    expect(failure).toBeInstanceOf(ThresholdsFileError);
    expect(failure?.message).toMatch(reason);
  });
});
