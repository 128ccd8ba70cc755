import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { carriersDetect, carriersMap, UnreadablePayloadError, UsageError } from '../src/commands/carriers.command.js';

const FIXTURES = fileURLToPath(new URL('../../../packages/carriers/test/fixtures/', import.meta.url));

/** Builds a valid UPU S10 number from its 8 serial digits (weights 8,6,4,2,3,5,9,7; mod 11). */
function s10(prefix: string, serial: string, country: string): string {
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const sum = [...serial].reduce((acc, digit, i) => acc + Number(digit) * weights[i]!, 0);
  const check = 11 - (sum % 11);
  return `${prefix}${serial}${check === 10 ? 0 : check === 11 ? 5 : check}${country}`;
}

describe('parcelwatch carriers detect', () => {
  it('ranks a valid S10 number first, with its check digit valid, tolerating spaces and dashes', () => {
    const number = s10('LX', '12345678', 'CN');
    const spaced = `${number.slice(0, 2)} ${number.slice(2, 6)}-${number.slice(6)}`;
    const candidates = JSON.parse(carriersDetect(spaced)) as { carrier: string; confidence: number; checkDigitValid: boolean | null }[];
    expect(candidates[0]).toMatchObject({ checkDigitValid: true });
    expect(Object.keys(candidates[0]!).sort()).toEqual(['carrier', 'checkDigitValid', 'confidence', 'format', 'reason']);
    const flipped = number.replace(/(\d)(\d)([A-Z]{2})$/, (_m, a, b, c) => `${a}${(Number(b) + 1) % 10}${c}`);
    const wrong = JSON.parse(carriersDetect(flipped)) as { checkDigitValid: boolean | null; confidence: number }[];
    expect(wrong.every((c) => c.checkDigitValid !== true)).toBe(true);
    expect(wrong[0]?.confidence ?? 0).toBeLessThan(candidates[0]!.confidence);
  });

  it('refuses a missing number', () => {
    expect(() => carriersDetect(undefined)).toThrow(UsageError);
  });
});

describe('parcelwatch carriers map', () => {
  it('reads a 17TRACK gettrackinfo response into checkpoints with local time and offset', async () => {
    const output = JSON.parse(await carriersMap({ provider: '17track', file: path.join(FIXTURES, '17track/gettrackinfo_correios_2151.json') }));
    expect(output.milestone).toBe('delivered');
    expect(output.checkpoints.length).toBeGreaterThan(1);
    for (const cp of output.checkpoints) {
      expect(Object.keys(cp)).toEqual(expect.arrayContaining(['milestone', 'reason', 'occurredAt', 'localTime', 'utcOffset', 'location', 'rawCode', 'rawText']));
      expect(cp.occurredAt).toMatch(/Z$/);
      if (cp.utcOffset !== null) expect(cp.utcOffset).toMatch(/^[+-]\d{2}:\d{2}$/);
    }
  });

  it('gives not_found for a provider error body about an unknown number', async () => {
    const output = JSON.parse(await carriersMap({ provider: 'ups', file: path.join(FIXTURES, 'ups/not-found.json') }));
    expect(output.milestone).toBe('not_found');
    expect(output.checkpoints).toEqual([]);
  });

  it('refuses an unknown provider, and a payload it cannot read with a clear message', async () => {
    await expect(carriersMap({ provider: 'pigeon', file: 'x.json' })).rejects.toThrow(/--provider must be one of/);
    const dir = mkdtempSync(path.join(tmpdir(), 'pw-map-'));
    try {
      const garbage = path.join(dir, 'garbage.json');
      writeFileSync(garbage, JSON.stringify({ hello: 'world' }));
      await expect(carriersMap({ provider: 'fedex', file: garbage })).rejects.toThrow(UnreadablePayloadError);
      const notJson = path.join(dir, 'not.json');
      writeFileSync(notJson, '<html>502</html>');
      await expect(carriersMap({ provider: 'dhl', file: notJson })).rejects.toThrow(/not JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
