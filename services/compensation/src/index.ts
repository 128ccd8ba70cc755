export { buildCompensation, createCompensationService, COMPENSATION_GROUP, type CompensationDeps, type CompensationService } from './app.js';
// The policy lives in @parcelwatch/policy (the detector reads it too); re-exported for compensation's callers.
export { loadPolicyStore, DEFAULT_POLICY_PATH, parsePolicy, PolicyError, type CompensationPolicy, type PolicySource, type PolicyStore, type ReloadOutcome } from '@parcelwatch/policy';
export { registerApprovalRoutes, compensationView } from './approval/approval.routes.js';
export { createApprovalWorkflow, type ApprovalWorkflow, type Approver } from './approval/approval.workflow.js';
export { ApprovalError, APPROVER_ROLES, type ApproverRole } from './approval/approval.rules.js';
export { createTikTokMarketplaceExecutor } from './execution/tiktok-marketplace.executor.js';
export { ExecutionError, type CompensationExecutor, type ExecutionOrder, type ExecutionResult } from './execution/executor.js';
export { compensationIdFor } from './trigger.handler.js';
export { compensationConfigSchema, loadCompensationConfig, type CompensationConfig } from './config.js';
export { retryFailedCompensation, RetryError, type RetryRequest } from './execution/failed-retry.js';
export { DEFAULT_RETRY_SCHEDULE, type RetrySchedule } from './execution/retry.schedule.js';
export type { ExecutionRound } from './execution/execution.worker.js';
