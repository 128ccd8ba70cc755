import { z } from 'zod';

/*
 * What a merchant's onboarding writes and the notifier reads: the languages buyer messages are
 * written in, and the notification settings kept in merchants.settings under `notifications`.
 * One definition, so the api cannot accept a value the notifier would reject and fall back from.
 */

/** The languages the notifier has templates for; a locale is usable when its language is one of them. */
export const NOTIFICATION_LANGUAGES = ['en', 'es', 'de', 'fr', 'it'] as const;
export type NotificationLanguage = (typeof NOTIFICATION_LANGUAGES)[number];

/** The notification language of a BCP 47 tag ("de-AT" -> "de"), or null when there are no templates for it. */
export function notificationLanguageOf(locale: string | null | undefined): NotificationLanguage | null {
  const language = locale?.split('-')[0]?.toLowerCase();
  return (NOTIFICATION_LANGUAGES as readonly string[]).includes(language ?? '') ? (language as NotificationLanguage) : null;
}

/** A wall-clock time of day, "HH:mm" on the 24-hour clock. */
export const localTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm (24 h)');

/**
 * Every field has a default, so a merchant with no settings gets email and SMS, quiet hours
 * 21:00-08:00 in the buyer's zone and at most 3 messages per shipment per buyer-local day.
 */
export const notificationSettingsSchema = z.object({
  channels: z
    .object({
      email: z.boolean().default(true),
      sms: z.boolean().default(true),
      // Off unless the merchant connected the marketplace's customer-service API for this shop.
      marketplace_message: z.boolean().default(false),
    })
    .prefault({}),
  /** Null switches quiet hours off (e.g. a merchant whose buyers asked for all updates at once). */
  quietHours: z.object({ start: localTimeSchema.default('21:00'), end: localTimeSchema.default('08:00') }).nullable().prefault({}),
  /** Messages per shipment per buyer-local day; one intent counts once across its channels. */
  dailyCap: z.int().min(1).max(50).default(3),
  /** Shown as the email sender name and as the SMS prefix; the merchant's name when absent. */
  senderName: z.string().min(1).max(64).optional(),
  /** The From address of emails; the notifier's default sender when absent. */
  fromAddress: z.email().optional(),
});
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;
export type QuietHours = NonNullable<NotificationSettings['quietHours']>;
