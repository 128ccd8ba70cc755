export * from './database.js';
export { createDb, type DbConfig } from './create-db.js';
export { migrateToLatest, migrateDownAll, MigrationError } from './migrate.js';
export * from './checkpoint-partition.repository.js';
export * from './outbox.repository.js';
export * from './processed-message.repository.js';
export * from './poll-schedule.repository.js';
export * from './checkpoint.repository.js';
export * from './shipment-state.repository.js';
export * from './tracking-snapshot.repository.js';
export * from './shipment.repository.js';
export * from './buyer.repository.js';
export * from './merchant.repository.js';
export * from './webhook-receipt.repository.js';
export * from './retention.repository.js';
export * from './compensation.repository.js';
export * from './detection-schedule.repository.js';
export * from './exception.repository.js';
export * from './delay.repository.js';
export * from './detection-override.repository.js';
export * from './transit-history.repository.js';
// Merchant webhooks (issue 6).
export * from './webhook-endpoint.repository.js';
export * from './webhook-delivery.repository.js';
// issue 6 archiver
export * from './archived-snapshot.repository.js';
export * from './proof.repository.js';
export * from './proof-evidence.repository.js';
// notifier (issue 6)
export * from './notification.repository.js';
// issue 7 reports
export * from './report.repository.js';
export * from './report-analytics.repository.js';
export * from './report-rollup.repository.js';
export * from './carrier-performance.repository.js';
// Access control (issue 7): API keys and the audit log.
export * from './api-key.repository.js';
export * from './audit.repository.js';
