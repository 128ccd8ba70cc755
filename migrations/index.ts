import type { Migration } from 'kysely';
import * as coreSchema from './2026-11-23T0800-core-schema.js';
import * as tracking from './2026-11-23T0801-tracking.js';
import * as exceptionsCompensation from './2026-11-23T0802-exceptions-compensation.js';
import * as notificationsProofs from './2026-11-23T0803-notifications-proofs.js';
import * as outboxAccess from './2026-11-23T0804-outbox-access.js';
import * as webhookReceipts from './2026-11-23T0920-webhook-receipts.js';
import * as checkpointPartitionUpkeep from './2026-11-23T0940-checkpoint-partition-upkeep.js';
import * as exceptionHistoryIndex from './2026-11-23T0941-exception-history-index.js';
import * as exceptionSeverity from './2026-11-23T1100-exception-severity.js';
import * as compensationDecisions from './2026-11-23T1110-compensation-decisions.js';
// notifier (issue 6)
import * as notificationDispatch from './2026-11-23T1200-notification-dispatch.js';
// Merchant webhooks (issue 6).
import * as merchantWebhooks from './2026-11-23T1210-merchant-webhooks.js';
// issue 6 archiver
import * as archivedSnapshots from './2026-11-23T1330-archived-snapshots.js';
// issue 7 reports
import * as reportIndexes from './2026-11-23T1400-report-indexes.js';
import * as carrierPerformanceRollup from './2026-11-23T1700-carrier-performance-rollup.js';
import * as buyers from './2026-12-07T1020-buyers.js';
import * as merchantOnboarding from './2026-12-07T1300-merchant-onboarding.js';
import * as carrierAccounts from './2026-12-07T1310-carrier-accounts.js';
import * as estimatedDeliverySource from './2026-12-07T1320-estimated-delivery-source.js';
import * as oneSnapshotTable from './2026-12-07T1330-one-snapshot-table.js';
import * as webhookAnswersForgotten from './2026-12-07T1400-webhook-answers-forgotten.js';
import * as compensationRefusals from './2026-12-07T1410-compensation-refusals.js';
import * as compensationRetrySchedule from './2026-12-07T1420-compensation-retry-schedule.js';
import * as claimTokensAndErasure from './2026-12-07T1430-claim-tokens-and-erasure.js';
import * as deadLetters from './2026-12-07T1440-dead-letters.js';
import * as exceptionMarksPerStatement from './2026-12-07T1500-exception-marks-per-statement.js';
import * as outboxLz4 from './2026-12-07T1520-outbox-lz4.js';
import * as detectionSchedule from './2026-12-08T0100-detection-schedule.js';
import * as carrierPerformanceLanes from './2026-12-08T0200-carrier-performance-lanes.js';
import * as buyerTrackingPages from './2026-12-08T0300-buyer-tracking-pages.js';
import * as wismoAnswers from './2026-12-08T0310-wismo-answers.js';

/**
 * Every migration by name, in order. A static list rather than a folder scan, so the same
 * set runs compiled, under jest and in a bundle. Names sort by their timestamp prefix.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-23T0800-core-schema': coreSchema,
  '2026-11-23T0801-tracking': tracking,
  '2026-11-23T0802-exceptions-compensation': exceptionsCompensation,
  '2026-11-23T0803-notifications-proofs': notificationsProofs,
  '2026-11-23T0804-outbox-access': outboxAccess,
  '2026-11-23T0920-webhook-receipts': webhookReceipts,
  '2026-11-23T0940-checkpoint-partition-upkeep': checkpointPartitionUpkeep,
  '2026-11-23T0941-exception-history-index': exceptionHistoryIndex,
  '2026-11-23T1100-exception-severity': exceptionSeverity,
  '2026-11-23T1110-compensation-decisions': compensationDecisions,
  // notifier (issue 6)
  '2026-11-23T1200-notification-dispatch': notificationDispatch,
  // Merchant webhooks (issue 6).
  '2026-11-23T1210-merchant-webhooks': merchantWebhooks,
  // issue 6 archiver
  '2026-11-23T1330-archived-snapshots': archivedSnapshots,
  // issue 7 reports
  '2026-11-23T1400-report-indexes': reportIndexes,
  '2026-11-23T1700-carrier-performance-rollup': carrierPerformanceRollup,
  '2026-12-07T1020-buyers': buyers,
  '2026-12-07T1300-merchant-onboarding': merchantOnboarding,
  '2026-12-07T1310-carrier-accounts': carrierAccounts,
  '2026-12-07T1320-estimated-delivery-source': estimatedDeliverySource,
  '2026-12-07T1330-one-snapshot-table': oneSnapshotTable,
  '2026-12-07T1400-webhook-answers-forgotten': webhookAnswersForgotten,
  '2026-12-07T1410-compensation-refusals': compensationRefusals,
  '2026-12-07T1420-compensation-retry-schedule': compensationRetrySchedule,
  '2026-12-07T1430-claim-tokens-and-erasure': claimTokensAndErasure,
  '2026-12-07T1440-dead-letters': deadLetters,
  '2026-12-07T1500-exception-marks-per-statement': exceptionMarksPerStatement,
  '2026-12-07T1520-outbox-lz4': outboxLz4,
  '2026-12-08T0100-detection-schedule': detectionSchedule,
  '2026-12-08T0200-carrier-performance-lanes': carrierPerformanceLanes,
  '2026-12-08T0300-buyer-tracking-pages': buyerTrackingPages,
  '2026-12-08T0310-wismo-answers': wismoAnswers,
};
