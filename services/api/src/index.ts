export { createApiService, type ApiDeps, type ApiService } from './app.js';
export { webhookSecretsFromEnv } from './webhooks/webhook-secrets.config.js';
export { WEBHOOK_PROVIDERS, expectedSignature, type WebhookProvider } from './webhooks/webhook-signature.js';
export type { WebhookSecrets } from './webhooks/webhook-intake.js';
export { CSV_COLUMNS } from './shipments/shipment-csv.js';
