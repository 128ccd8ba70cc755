import { describe, expect, it } from '@jest/globals';
import { parseMonth } from '../src/commands/checkpoints.command.js';
import { monthBounds } from '../src/checkpoint-cold-storage.js';

describe('parcelwatch checkpoints', () => {
  it('takes --before as a UTC month', () => {
    expect(parseMonth('2025-06').toISOString()).toBe('2025-06-01T00:00:00.000Z');
    for (const bad of [undefined, '2025-13', '2025-00', '2025-6', 'June', '2025-06-01']) expect(() => parseMonth(bad)).toThrow(/--before takes a month as YYYY-MM/);
  });

  it('reads a month table name as its UTC bounds, and nothing else', () => {
    expect(monthBounds('checkpoints_y2025m12')).toEqual({ from: new Date('2025-12-01T00:00:00Z'), to: new Date('2026-01-01T00:00:00Z') });
    for (const bad of ['checkpoints', 'checkpoints_default', 'checkpoints_y2025m1', 'shipments; DROP TABLE x']) expect(() => monthBounds(bad)).toThrow(/not a checkpoint month table/);
  });
});
