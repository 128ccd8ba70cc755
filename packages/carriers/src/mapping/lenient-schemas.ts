import { z } from 'zod';

/**
 * A code or id that providers send as a string or a number ("404" / 404). Unlike
 * `z.coerce.string()`, a missing value fails with a clear "expected string" message instead
 * of turning into the text "undefined".
 */
export const codeText = z.union([z.string(), z.number()]).transform(String);
