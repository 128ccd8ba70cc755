// The merchant webhook subsystem's public API (the notifier's app wires it; receivers use the signing helpers).
export type { MerchantWebhookEvent, MerchantWebhooks } from './merchant-webhook.port.js';
export { createMerchantWebhooks, type MerchantWebhooksDeps, type MerchantWebhooksSubsystem } from './merchant-webhooks.js';
export { createWebhookDeliveryWorker, type WebhookRound, type WebhookWorker, type WebhookWorkerOptions } from './webhook-delivery.worker.js';
export { createWebhookAdmin, type WebhookAdmin } from './webhook-admin.js';
export { backoffDelayMs, DEFAULT_BACKOFF, seededRandom, type BackoffPolicy } from './webhook-backoff.js';
export { newWebhookSecret, signMerchantWebhook, verifyMerchantWebhook, WEBHOOK_HEADERS, type SignedWebhookHeaders, type WebhookVerification } from './webhook-signature.js';
export { webhookBody } from './webhook-message.js';
