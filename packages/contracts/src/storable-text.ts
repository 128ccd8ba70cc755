/*
 * What PostgreSQL can store as sent: it refuses NUL (\u0000) in text and jsonb (22021, 22P05),
 * refuses an unpaired UTF-16 surrogate in jsonb (22P02) and silently turns one into U+FFFD in
 * text. Carriers and callers do send both (truncated multi-byte wording, C strings). One rule for
 * every place that must decide: refuse (api input), clean (mapped carrier text), or carry the
 * bytes in base64 instead of jsonb (raw carrier bodies).
 */
import { z } from 'zod';

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNPAIRED_SURROGATES = new RegExp(UNPAIRED_SURROGATE.source, 'g');

/** True when a text column stores `value` unchanged and a jsonb one accepts it. */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value);
}

/** `value` made storable: NUL dropped, each unpaired surrogate replaced by U+FFFD. */
export function storableText(value: string): string {
  return value.replaceAll('\u0000', '').replace(UNPAIRED_SURROGATES, '\uFFFD');
}

/** Whether every key and string of a JSON value fits a jsonb column. */
export function fitsJsonb(value: unknown): boolean {
  if (typeof value === 'string') return isStorableText(value);
  if (Array.isArray(value)) return value.every(fitsJsonb);
  if (typeof value === 'object' && value !== null) return Object.entries(value).every(([key, item]) => isStorableText(key) && fitsJsonb(item));
  return true;
}

/** What a refused value is told. */
export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL (\\u0000) or unpaired UTF-16 surrogates';

/** A string schema that refuses what PostgreSQL cannot store as sent (chain `.min`, `.max` on it). */
export function storableStringSchema() {
  return z.string().refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);
}
