import { describe, expect, it } from '@jest/globals';
import { isE164, normalizePhone } from './phone.js';

describe('phone numbers', () => {
  it('drops formatting and keeps the digits', () => {
    expect(normalizePhone(' +1 (555) 123-4567 ')).toBe('+15551234567');
    expect(normalizePhone('+49 30.1234.5678')).toBe('+493012345678');
  });

  it('tells an E.164 number from one without a country code or with too few digits', () => {
    expect(isE164('+15551234567')).toBe(true);
    expect(isE164('5551234567')).toBe(false);
    expect(isE164('+0123456789')).toBe(false);
    expect(isE164('+12345')).toBe(false);
  });
});
