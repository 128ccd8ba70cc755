import type { Env } from '@parcelwatch/config';
import { WEBHOOK_PROVIDERS } from './webhook-signature.js';
import type { WebhookSecrets } from './webhook-intake.js';

/** `WEBHOOK_SECRET_17TRACK`, `WEBHOOK_SECRET_AFTERSHIP`: a provider without a secret gets 404, never an unsigned intake. */
export function webhookSecretsFromEnv(env: Env): WebhookSecrets {
  const secrets: WebhookSecrets = {};
  for (const provider of WEBHOOK_PROVIDERS) {
    const value = env[`WEBHOOK_SECRET_${provider.toUpperCase()}`]?.trim();
    if (value) secrets[provider] = value;
  }
  return secrets;
}
