export * from './database.js';
export { createDb, type DbConfig } from './create-db.js';
export { migrateToLatest, migrateDownAll, MigrationError } from './migrate.js';
export * from './outbox.repository.js';
export * from './processed-message.repository.js';
