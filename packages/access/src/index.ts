// The access layer of every HTTP service (the api and each service's own port): API keys, the route
// policy, rate limits, who is calling, and the audit recorder.
export { ACCESS_OFF_CALLER, actorOf, callerOf, canAccessMerchant, isOperator, merchantScope, OPERATOR, OPERATOR_CALLER, recordAudit, requireRole, ROLES, type AuditEvent, type AuditRecorder, type Caller, type Principal, type Role } from './access.js';
export { installAccessLayer, withAccessLayer, type AccessLayerDeps, type AccessOptions } from './access.hook.js';
export { accessFor, ROUTE_POLICY, type Access, type PolicyRule } from './route-policy.js';
export { DEFAULT_RATE_LIMITS, MAX_BUCKETS, RateLimiter, rateLimitEnv, rateLimitsOf, type RateDecision, type RateLimits, type RateLimitSettings } from './rate-limiter.js';
export { apiKeyPrefix, generateApiKey, hashApiKey, presentedKey, KEY_PREFIX_LENGTH, type GeneratedApiKey } from './api-key.js';
