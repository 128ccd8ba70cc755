import { notificationSettingsSchema, type NotificationSettings } from '@parcelwatch/contracts';

/**
 * A merchant's notification settings, kept in merchants.settings under `notifications`; the
 * schema lives in contracts because merchant onboarding (the api, the CLI) writes what this reads.
 */
export { notificationSettingsSchema, type NotificationSettings, type QuietHours } from '@parcelwatch/contracts';

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
