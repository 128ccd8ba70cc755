export { createApiService, type ApiDeps, type ApiRoute, type ApiService } from './app.js';
export { buildApi } from './build.js';
export { eraseBuyer, type BuyerErasureDeps, type BuyerErasureView } from './buyers/buyer-erasure.js';
export { mailCopiesIn, type MailCopies } from './buyers/mail-copies.js';
export { apiConfigSchema, loadApiConfig, type ApiConfig } from './config.js';
export { webhookSecretEnv, webhookSecretsOf } from './webhooks/webhook-secrets.config.js';
export { WEBHOOK_PROVIDERS, expectedSignature, type WebhookProvider } from './webhooks/webhook-signature.js';
export type { WebhookSecrets } from './webhooks/webhook-intake.js';
export { CSV_COLUMNS, CsvImportError, MAX_CSV_ROWS } from './shipments/shipment-csv.js';
// `parcelwatch import` registers a CSV through the same parsing, validation and registrar.
export { importShipmentCsv, type ImportResult, type ImportRowResult } from './shipments/shipment-import.js';
export { createShipmentRegistrar, type ShipmentRegistrar } from './shipments/shipment-registrar.js';
// The CLI prints the same stuck-parcel rows and CSV as the api.
export { stuckPages, stuckItemView, stuckCsvRecord, STUCK_CSV_COLUMNS, DEFAULT_ORDER, type StuckItemView } from './reports/stuck-report.routes.js';
export { buildOpenApiDocument } from './reports/openapi.document.js';
export { createPerformanceRollupJob, type PerformanceRollupDeps } from './reports/performance-rollup.job.js';
export { createRetentionJob, pruneOnce, retentionEnv, retentionOf, DEFAULT_RETENTION, type RetentionPolicy, type PruneReport } from './housekeeping/retention.job.js';
// Access control: keys, policy, rate limits; the CLI manages keys with these.
export { type AccessOptions } from '@parcelwatch/access';
export { ApiKeyAdminError, apiKeyView, issueApiKey, listKeys, revokeKey, type IssuedApiKey } from './access/api-key-admin.js';
// Merchant onboarding: `parcelwatch merchants` and the demo use the api's own schema and code.
export { createMerchant, findMerchantInScope, listMerchantsInScope, MerchantOnboardingError, merchantView, updateMerchant, type MerchantView, type OnboardedMerchant } from './merchants/merchant-onboarding.js';
export { describeProblems, merchantCreateSchema, merchantPatchSchema, parseMerchantCreate, parseMerchantPatch, type MerchantCreate, type MerchantPatch, type ProfileParse, type ProfileProblem } from './merchants/merchant-profile.schema.js';
export { generateApiKey, hashApiKey } from '@parcelwatch/access';
export { DEFAULT_RATE_LIMITS, type RateLimits } from '@parcelwatch/access';
export { ROUTE_POLICY, accessFor } from '@parcelwatch/access';
// The ops dashboard and the filesystem archive's signed downloads.
export { DASHBOARD_CSP } from './dashboard/dashboard.routes.js';
export { type SignedBlobs } from './blobs/blob-download.routes.js';
export { openApiProofStore, type ApiProofStore } from './blobs/proof-store.js';
// The buyer tracking links: `parcelwatch links`, the demo's printed link and the WISMO answers.
export { issueTrackingLink, revokeTrackingLinkOf, trackingUrls, type TrackingLinkDeps, type TrackingLinkView } from './tracking/tracking-links.js';
