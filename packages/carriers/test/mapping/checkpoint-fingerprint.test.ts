import { describe, expect, it } from '@jest/globals';
import { checkpointFingerprint, type FingerprintInput } from '../../src/index.js';

const base: FingerprintInput = {
  occurredAt: '2026-06-24T01:00:12Z',
  milestone: 'in_transit',
  reason: 'picked_up',
  location: { city: 'SHENZHEN', region: 'GD', postalCode: null, countryCode: 'CN', text: 'SHENZHEN, CN' },
  rawCode: 'InTransit_PickedUp',
};

describe('checkpointFingerprint', () => {
  it('is a lowercase hex SHA-256 and stable', () => {
    const print = checkpointFingerprint('ship-1', base);
    expect(print).toMatch(/^[0-9a-f]{64}$/);
    expect(checkpointFingerprint('ship-1', { ...base })).toBe(print);
  });

  it('ignores seconds, location text and region, city case and accents, code spacing and case', () => {
    const print = checkpointFingerprint('ship-1', base);
    expect(checkpointFingerprint('ship-1', { ...base, occurredAt: '2026-06-24T01:00:59Z' })).toBe(print);
    expect(checkpointFingerprint('ship-1', { ...base, location: { ...base.location, city: 'Shenzhen', text: 'Shenzhen - GD', region: null } })).toBe(print);
    expect(checkpointFingerprint('ship-1', { ...base, rawCode: ' intransit_pickedup ' })).toBe(print);
    const accented = { ...base, location: { ...base.location, city: 'São Paulo' } };
    expect(checkpointFingerprint('ship-1', accented)).toBe(checkpointFingerprint('ship-1', { ...accented, location: { ...accented.location, city: 'SAO PAULO' } }));
  });

  it('ignores the reason when the scan has a code (a generic code refined from edited wording)', () => {
    expect(checkpointFingerprint('ship-1', { ...base, reason: 'departed_hub' })).toBe(checkpointFingerprint('ship-1', base));
  });

  it('keeps the reason when the scan has no code', () => {
    const codeless = { ...base, rawCode: null };
    expect(checkpointFingerprint('ship-1', { ...codeless, reason: 'departed_hub' })).not.toBe(checkpointFingerprint('ship-1', codeless));
  });

  it('changes with the shipment, minute, milestone, city, country or code', () => {
    const print = checkpointFingerprint('ship-1', base);
    const variants: FingerprintInput[] = [
      { ...base, occurredAt: '2026-06-24T01:01:00Z' },
      { ...base, milestone: 'exception', reason: 'other' },
      { ...base, location: { ...base.location, city: 'Guangzhou' } },
      { ...base, location: { ...base.location, countryCode: 'HK' } },
      { ...base, rawCode: 'InTransit_Other' },
    ];
    for (const variant of variants) expect(checkpointFingerprint('ship-1', variant)).not.toBe(print);
    expect(checkpointFingerprint('ship-2', base)).not.toBe(print);
  });
});
