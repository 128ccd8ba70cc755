import { z } from 'zod';
import { WEBHOOK_PROVIDERS, type WebhookProvider } from './webhook-signature.js';
import type { WebhookSecrets } from './webhook-intake.js';

const secretKey = (provider: WebhookProvider) => `WEBHOOK_SECRET_${provider.toUpperCase()}` as const;

/** `WEBHOOK_SECRET_17TRACK`, `WEBHOOK_SECRET_AFTERSHIP`: a provider without a secret gets 404, never an unsigned intake. */
export const webhookSecretEnv = Object.fromEntries(WEBHOOK_PROVIDERS.map((provider) => [secretKey(provider), z.string().trim().min(1).optional()])) as Record<
  ReturnType<typeof secretKey>,
  z.ZodOptional<z.ZodString>
>;

export function webhookSecretsOf(settings: Partial<Record<ReturnType<typeof secretKey>, string | undefined>>): WebhookSecrets {
  const secrets: WebhookSecrets = {};
  for (const provider of WEBHOOK_PROVIDERS) {
    const value = settings[secretKey(provider)];
    if (value !== undefined) secrets[provider] = value;
  }
  return secrets;
}
