import { z } from 'zod';

/** Building blocks for environment variables, which always arrive as strings. */

export function envInt(bounds: { min: number; max: number }) {
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(bounds.min, `must be at least ${bounds.min}`)
        .max(bounds.max, `must be at most ${bounds.max}`),
    );
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'] as const;
const FALSE_WORDS = ['false', '0', 'no', 'off'] as const;

/**
 * true/false, 1/0, yes/no, on/off. Not z.stringbool(): its failure aborts the object parse,
 * which would hide the cross-key rules' findings from the one-pass error report.
 */
export function envBool() {
  return z
    .string()
    .transform((raw) => raw.trim().toLowerCase())
    .pipe(z.enum([...TRUE_WORDS, ...FALSE_WORDS], { error: 'must be true or false' }))
    .transform((word) => (TRUE_WORDS as readonly string[]).includes(word));
}

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/;

/** A comma-separated list of host:port pairs, e.g. `kafka-1:9092,kafka-2:9092`. */
export function envHostPortList() {
  return z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0),
    )
    .pipe(z.array(z.string().regex(HOST_PORT, 'must be host:port')).min(1, 'must list at least one host:port'));
}

export function envUrl(protocols: RegExp, expected: string) {
  return z.url({ protocol: protocols, error: `must be a ${expected} URL` });
}

export const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
  error: 'must be one of fatal, error, warn, info, debug, trace, silent',
});

export const nodeEnvSchema = z.enum(['development', 'test', 'production'], {
  error: 'must be one of development, test, production',
});
