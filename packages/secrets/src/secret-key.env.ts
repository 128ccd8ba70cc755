import { z } from 'zod';
import { createSecretBox, type SecretBox } from './secret-box.js';
import { parseSecretKey, SecretKeyError, type SecretKey } from './secret-key.js';

const keySchema = z.string().transform((text, ctx): SecretKey => {
  try {
    return parseSecretKey(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof SecretKeyError ? err.message : 'is not a valid key' });
    return z.NEVER;
  }
});

/**
 * The settings of every service that keeps or reads sealed secrets. Without the current key
 * nothing is sealed or opened (the api refuses to store carrier accounts and says why). During a
 * rotation the old key stays as PARCELWATCH_SECRET_KEY_PREVIOUS until every value is sealed again.
 */
export const secretKeyEnv = {
  PARCELWATCH_SECRET_KEY: keySchema.optional(),
  PARCELWATCH_SECRET_KEY_PREVIOUS: keySchema.optional(),
};

/** The keys alone, for a command that reads only them from the environment. */
export const secretKeySettingsSchema = z.object(secretKeyEnv);

export type SecretKeySettings = { PARCELWATCH_SECRET_KEY?: SecretKey | undefined; PARCELWATCH_SECRET_KEY_PREVIOUS?: SecretKey | undefined };

/** A previous key alone would open values but seal new ones under nothing: a mistake to report. */
export const secretKeyRules = [
  z.refine<Partial<Record<keyof typeof secretKeyEnv, unknown>>>((env) => env.PARCELWATCH_SECRET_KEY_PREVIOUS === undefined || env.PARCELWATCH_SECRET_KEY !== undefined, {
    path: ['PARCELWATCH_SECRET_KEY'],
    message: 'is required when PARCELWATCH_SECRET_KEY_PREVIOUS is set (the previous key only opens values sealed before a rotation)',
    when: () => true,
  }),
];

/** The box of the configured keys, or null when no key is configured. */
export function secretBoxOf(settings: SecretKeySettings): SecretBox | null {
  const current = settings.PARCELWATCH_SECRET_KEY;
  if (current === undefined) return null;
  return createSecretBox({ current, previous: settings.PARCELWATCH_SECRET_KEY_PREVIOUS ?? null });
}

/** Why secrets cannot be kept, for a 503 and the start-up log. */
export const NO_SECRET_KEY_MESSAGE =
  'PARCELWATCH_SECRET_KEY is not set: carrier credentials are stored only encrypted, under a 32-byte key (openssl rand -base64 32); set it on the api and the poller';
