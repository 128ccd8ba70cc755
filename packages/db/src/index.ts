/*
 * The database: schema types, connection, migrations, and the repositories, each in the folder of
 * the service that owns (writes) its tables: api/, poller/, normalizer/, detector/, notifier/,
 * compensation/, archiver/, and messaging/ for the outbox and dedupe plumbing every service shares.
 * Other services may read through them; only the owner writes.
 */
export * from './database.js';
export { createDb, type DbConfig } from './create-db.js';
export { migrateToLatest, migrateDownAll, MigrationError } from './migrate.js';
export { DatabaseUnreachableError, describeDatabaseUrl, isConnectionLost, waitForDatabase, type DatabaseWait } from './database-wait.js';
export * from './normalizer/checkpoint-partition.repository.js';
export * from './messaging/outbox.repository.js';
export * from './messaging/outbox-commits.js';
export * from './messaging/processed-message.repository.js';
export * from './messaging/dead-letter.repository.js';
export * from './poller/poll-schedule.repository.js';
export * from './normalizer/checkpoint.repository.js';
export * from './normalizer/shipment-state.repository.js';
export * from './normalizer/tracking-snapshot.repository.js';
export * from './api/shipment.repository.js';
export * from './api/buyer.repository.js';
export * from './api/buyer-erasure.repository.js';
export * from './api/merchant.repository.js';
export * from './api/webhook-receipt.repository.js';
export * from './api/retention.repository.js';
export * from './compensation/compensation.repository.js';
export * from './compensation/trigger-facts.repository.js';
export * from './detector/detection-schedule.repository.js';
export * from './detector/exception.repository.js';
export * from './detector/delay.repository.js';
export * from './detector/detection-override.repository.js';
export * from './detector/transit-history.repository.js';
// Merchant webhooks (issue 6).
export * from './api/webhook-endpoint.repository.js';
export * from './notifier/webhook-delivery.repository.js';
// issue 6 archiver
export * from './archiver/proof.repository.js';
export * from './archiver/proof-evidence.repository.js';
// notifier (issue 6)
export * from './notifier/notification.repository.js';
export * from './notifier/notification-round.repository.js';
// issue 7 reports
export * from './api/report.repository.js';
export * from './api/report-analytics.repository.js';
export * from './api/report-rollup.repository.js';
export * from './api/carrier-performance.repository.js';
// Access control (issue 7): API keys and the audit log.
export * from './api/api-key.repository.js';
export * from './api/audit.repository.js';
export * from './api/carrier-account.repository.js';
export * from './api/tracking-link.repository.js';
export * from './api/buyer-page.repository.js';
export * from './api/wismo-answer.repository.js';
