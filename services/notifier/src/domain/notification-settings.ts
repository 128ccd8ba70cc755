import { z } from 'zod';

/**
 * A merchant's notification settings, kept in merchants.settings under `notifications`.
 * Every field has a default, so a merchant with no settings gets email and SMS, quiet hours
 * 21:00-08:00 in the buyer's zone and at most 3 messages per shipment per buyer-local day.
 */
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm (24 h)');

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
  quietHours: z.object({ start: hhmm.default('21:00'), end: hhmm.default('08:00') }).nullable().prefault({}),
  /** Messages per shipment per buyer-local day; one intent counts once across its channels. */
  dailyCap: z.int().min(1).max(50).default(3),
  /** Shown as the email sender name and as the SMS prefix; the merchant's name when absent. */
  senderName: z.string().min(1).max(64).optional(),
  /** The From address of emails; the notifier's default sender when absent. */
  fromAddress: z.email().optional(),
});
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;
export type QuietHours = NonNullable<NotificationSettings['quietHours']>;

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = notificationSettingsSchema.parse({});

/**
 * The settings from a merchant's settings jsonb. Invalid settings fall back to the defaults
 * (and say why): a typo in one merchant's settings must not stop its buyers' messages.
 */
export function notificationSettingsOf(merchantSettings: unknown): { settings: NotificationSettings; problem: string | null } {
  const raw = (merchantSettings as { notifications?: unknown } | null)?.notifications ?? {};
  const parsed = notificationSettingsSchema.safeParse(raw);
  if (parsed.success) return { settings: parsed.data, problem: null };
  const problem = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  return { settings: DEFAULT_NOTIFICATION_SETTINGS, problem };
}
