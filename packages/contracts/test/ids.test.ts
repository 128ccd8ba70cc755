import { describe, expect, it } from '@jest/globals';
import {
  carrierCodeSchema,
  countryCodeSchema,
  idFromName,
  newId,
  providerSchema,
  shipmentIdSchema,
} from '../src/index.js';

describe('ids', () => {
  it('newId makes lowercase v7 UUIDs that sort by time', () => {
    const early = newId(Date.UTC(2025, 0, 1));
    const late = newId(Date.UTC(2025, 0, 2));
    expect(shipmentIdSchema.safeParse(early).success).toBe(true);
    expect(early[14]).toBe('7');
    expect(early < late).toBe(true);
    expect(newId(Date.UTC(2025, 0, 1))).not.toBe(early);
  });

  it('idFromName is deterministic and keeps part boundaries', () => {
    expect(idFromName('checkpoint', 'a', 'bc')).toBe(idFromName('checkpoint', 'a', 'bc'));
    expect(idFromName('checkpoint', 'ab', 'c')).not.toBe(idFromName('checkpoint', 'a', 'bc'));
    const id = idFromName('x');
    expect(shipmentIdSchema.safeParse(id).success).toBe(true);
    expect(id[14]).toBe('5');
  });

  it('refuses upper-case and malformed ids', () => {
    expect(shipmentIdSchema.safeParse('01936B2E-8F00-7A10-9C2D-3E4F5A6B7C8D').success).toBe(false);
    expect(shipmentIdSchema.safeParse('shp_123').success).toBe(false);
  });

  it('validates countries, carriers and providers', () => {
    expect(countryCodeSchema.safeParse('US').success).toBe(true);
    expect(countryCodeSchema.safeParse('XK').success).toBe(true);
    expect(countryCodeSchema.safeParse('UK').success).toBe(false);
    expect(countryCodeSchema.safeParse('us').success).toBe(false);
    expect(carrierCodeSchema.safeParse('china-post').success).toBe(true);
    expect(carrierCodeSchema.safeParse('China Post').success).toBe(false);
    expect(providerSchema.options).toEqual(['17track', 'aftership', 'usps', 'ups', 'fedex', 'dhl', 'tiktok']);
  });
});
