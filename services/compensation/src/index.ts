export { createCompensationService, COMPENSATION_GROUP, type CompensationDeps, type CompensationService } from './app.js';
export { loadPolicyStore, DEFAULT_POLICY_PATH, PolicyError, type PolicySource, type PolicyStore, type ReloadOutcome } from './policy/policy-store.js';
export { parsePolicy, type CompensationPolicy } from './policy/policy.schema.js';
export { registerApprovalRoutes, compensationView } from './approval/approval.routes.js';
export { createApprovalWorkflow, type ApprovalWorkflow, type Approver } from './approval/approval.workflow.js';
export { ApprovalError, APPROVER_ROLES, type ApproverRole } from './approval/approval.rules.js';
export { createTikTokMarketplaceExecutor, MARKETPLACE_PATHS, type TikTokMarketplaceOptions } from './execution/tiktok-marketplace.executor.js';
export { ExecutionError, type CompensationExecutor, type ExecutionOrder, type ExecutionResult } from './execution/executor.js';
export { compensationIdFor } from './trigger.handler.js';
