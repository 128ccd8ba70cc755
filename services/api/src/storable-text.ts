const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether PostgreSQL can store `value` as sent: it refuses NUL in text and jsonb (22021, 22P05),
 * refuses an unpaired UTF-16 surrogate in jsonb (22P02) and turns one into U+FFFD in text. Input
 * holding either gets a 400 naming the field, not a 500 from the statement (or a silent change).
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value);
}
