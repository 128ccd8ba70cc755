// The commit signal lives with the outbox (packages/db), where every writer can raise it.
export { onOutboxCommitted, outboxCommitted } from '@parcelwatch/db';
