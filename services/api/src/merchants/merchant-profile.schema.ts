import { IANAZone } from 'luxon';
import { z } from 'zod';
import { localeSchema, localTimeSchema, merchantBrandingSchema, NOTIFICATION_LANGUAGES, notificationLanguageOf, storableStringSchema, timeZoneSchema } from '@parcelwatch/contracts';

/*
 * A merchant's profile as onboarding takes it (POST /v1/merchants, PATCH /v1/merchants/:id and
 * `parcelwatch merchants`): one schema for the api and the CLI, so both refuse the same input
 * with the same words. A bad request lists every bad field at once.
 */

const name = storableStringSchema().trim().min(1, 'must not be empty').max(200);
// A missing value keeps zod's invalid_type issue, which profileProblems words as "is required".
const email = z.email({ error: (issue) => (issue.code === 'invalid_type' ? undefined : 'must be an email address') }).max(254);

/** A locale whose language has buyer-message templates; the region is kept ("de-AT" dates and money). */
const defaultLocale = localeSchema.refine((tag) => notificationLanguageOf(tag) !== null && isCanonicalLocale(tag), {
  message: `must be a locale in a language with buyer-message templates (${NOTIFICATION_LANGUAGES.join(', ')}), e.g. en-US or de-DE`,
});

/** An IANA zone luxon knows, in the form events carry ("Europe/Berlin", "UTC"). */
const timeZone = timeZoneSchema.refine((zone) => IANAZone.isValidZone(zone), { message: 'is not a known IANA time zone' });

const quietHours = z
  .strictObject({ start: localTimeSchema, end: localTimeSchema })
  .refine((hours) => hours.start !== hours.end, { message: 'start and end must differ (send null to switch quiet hours off)' });

/** Shop ids and ciphers are opaque marketplace tokens: letters, digits, dot, dash, underscore. */
const marketplaceToken = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be 1 to 128 letters, digits, dots, dashes or underscores');
const marketplaceShop = z.strictObject({
  /** The shop's id on the marketplace (TikTok Shop: the shop id of Get Authorized Shops). */
  shopId: marketplaceToken,
  /** TikTok Shop's shop cipher, which every Partner API call for the shop names. */
  cipher: marketplaceToken,
});
const policyVersion = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, dashes or underscores, e.g. 2026-11-23.1');

export const merchantCreateSchema = z.strictObject({
  name,
  /** Where buyers and ops reach the seller. */
  supportEmail: email,
  defaultLocale,
  timeZone,
  /** Buyer email sender: name (also the SMS prefix) and From address; the notifier's defaults where absent. */
  sender: z.strictObject({ name: name.max(64).optional(), email: email.optional() }).optional(),
  /** Absent: the notifier's default (21:00-08:00 in the buyer's zone); null: off. */
  quietHours: quietHours.nullable().optional(),
  marketplaceShop: marketplaceShop.nullable().optional(),
  compensationPolicyVersion: policyVersion.nullable().optional(),
  /** The buyer tracking page's logo and colours. */
  branding: merchantBrandingSchema.optional(),
});
export type MerchantCreate = z.output<typeof merchantCreateSchema>;

export const merchantPatchSchema = z
  .strictObject({
    name: name.optional(),
    supportEmail: email.optional(),
    defaultLocale: defaultLocale.optional(),
    timeZone: timeZone.optional(),
    /** A field set to null goes back to the notifier's default. */
    sender: z.strictObject({ name: name.max(64).nullable().optional(), email: email.nullable().optional() }).optional(),
    quietHours: quietHours.nullable().optional(),
    marketplaceShop: marketplaceShop.nullable().optional(),
    compensationPolicyVersion: policyVersion.nullable().optional(),
    /** Fields given replace the stored ones; null clears one. */
    branding: merchantBrandingSchema.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'names no field to change' });
export type MerchantPatch = z.output<typeof merchantPatchSchema>;

export interface ProfileProblem {
  /** The field, dotted ("sender.email"), or "(body)". */
  field: string;
  message: string;
}

/** Every bad field of a refused profile, each once, with the first reason found. */
export function profileProblems(error: z.ZodError): ProfileProblem[] {
  const problems = error.issues.flatMap((issue) => {
    // An unknown key is a problem of that key, not of the object around it.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: 'is not a merchant field' }));
    const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
    return [{ field: issue.path.join('.') || '(body)', message: missing ? 'is required' : issue.message }];
  });
  return problems.filter((problem, index) => problems.findIndex((other) => other.field === problem.field) === index);
}

export type ProfileParse<T> = { ok: true; value: T } | { ok: false; problems: ProfileProblem[] };

function parseWith<T>(schema: z.ZodType<T>, body: unknown): ProfileParse<T> {
  const result = schema.safeParse(body);
  return result.success ? { ok: true, value: result.data } : { ok: false, problems: profileProblems(result.error) };
}

export const parseMerchantCreate = (body: unknown): ProfileParse<MerchantCreate> => parseWith(merchantCreateSchema, body);
export const parseMerchantPatch = (body: unknown): ProfileParse<MerchantPatch> => parseWith(merchantPatchSchema, body);

export const describeProblems = (problems: readonly ProfileProblem[]): string => problems.map((p) => `${p.field}: ${p.message}`).join('; ');

function isCanonicalLocale(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}
