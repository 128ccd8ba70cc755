export { delayTier, type DelayTier } from './delay-tier.js';
export { formatPolicyIssues, parsePolicy, policyFileSchema, type CompensationPolicy, type PolicyFile, type PolicyParseResult } from './policy.schema.js';
export { DEFAULT_POLICY_PATH, defaultPolicy, loadPolicyStore, PolicyError, type PolicySource, type PolicyStore, type ReloadOutcome } from './policy-store.js';
