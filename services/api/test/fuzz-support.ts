import fc from 'fast-check';
import { expect } from '@jest/globals';

/*
 * Shared pieces of the api fuzz tests: run counts (FUZZ_RUNS for deeper runs, FUZZ_SEED and
 * FUZZ_PATH to replay a failure fast-check printed), odd text, and the answer every bad request
 * must get.
 */

export function fuzzParams<T>(base: number): fc.Parameters<T> {
  const runs = Number(process.env.FUZZ_RUNS);
  const seed = process.env.FUZZ_SEED;
  const path = process.env.FUZZ_PATH;
  return {
    numRuns: Number.isInteger(runs) && runs > 0 ? runs : base,
    ...(seed ? { seed: Number(seed) } : {}),
    ...(path ? { path } : {}),
  };
}

/** Lone surrogates, NUL, bidi and zero-width marks, combining marks, non-BMP, and plain words. */
export const ODD_CHARACTERS = [
  '\u0000', '\u0007', '\r\n', '\t', '\u2028', '\uD800', '\uDFFF', '\u200F', '\u202E', '\u061C', '\u200B', '\u200D', '\uFEFF',
  'e\u0301', 'Z\u0335\u0321a\u0337l\u0338g\u0336o', '📦', '👨‍👩‍👧‍👦', '🇨🇳', '𝕏', '𠜎', '\u{10FFFF}', '\uFFFF', 'İ', 'ß',
  '王小明', 'مرحبا', 'שלום', 'Zoë', "O'Brien", '"', '\\', '%00', '%', '&', '=', '?', '#', '/', '..', ' ', 'a', '1',
] as const;

const oddCharacter = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_CHARACTERS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) },
);

export const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const oddText = fc.array(oddCharacter, { maxLength: 10 }).map((parts) => parts.join(''));

/** Odd text that PostgreSQL can store and that has something left after trimming: what a valid name may be. */
export const storableOddText = fc
  .array(oddCharacter.filter((c) => !c.includes('\u0000') && !UNPAIRED_SURROGATE.test(c)), { minLength: 1, maxLength: 10 })
  .map((parts) => `${parts.join('')}x`);

/** The answer to bad input: a 4xx whose JSON body says what is wrong. Never a 5xx. */
export function expectClientError(status: number, body: unknown, context: unknown): void {
  if (status >= 500) throw new Error(`${status} for ${JSON.stringify(context)?.slice(0, 400)}: ${JSON.stringify(body)}`);
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
  expect(body).toEqual(expect.objectContaining({ error: expect.any(String), message: expect.any(String) }));
  expect((body as { message: string }).message.length).toBeGreaterThan(0);
}

/**
 * `body` with each edit applied: the dotted `field` set to `value` (objects made on the way, an
 * array index is a key too), or deleted when `value` is undefined. Edits `body` in place.
 */
export function applyEdits(body: Record<string, unknown>, edits: ReadonlyArray<{ field: string; value: unknown }>): Record<string, unknown> {
  for (const { field, value } of edits) {
    const path = field.split('.');
    let target = body;
    for (const key of path.slice(0, -1)) {
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    const last = path.at(-1) as string;
    if (value === undefined) delete target[last];
    else target[last] = value;
  }
  return body;
}

/** Parses a response body as JSON; fails with the text when it is not JSON. */
export function jsonOf(text: string): unknown {
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    throw new Error(`response is not JSON: ${text.slice(0, 200)}`);
  }
}
