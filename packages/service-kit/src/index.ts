export { createLifecycle, type Closer, type Lifecycle, type LifecycleOptions } from './lifecycle.js';
export {
  createHealthServer,
  registerHealthRoutes,
  runReadinessChecks,
  type CheckResult,
  type HealthRoutesOptions,
  type HealthServer,
  type HealthServerOptions,
  type ReadinessCheck,
  type ReadinessReport,
} from './health-server.js';
export { createMetricsRegistry, METRIC_PREFIX, type MetricsRegistryOptions } from './metrics.js';
export {
  acceleratedClock,
  fixedClock,
  sleep,
  systemClock,
  type AcceleratedClock,
  type AcceleratedClockOptions,
  type Clock,
  type FixedClock,
  type Instant,
} from './clock.js';
export { runService, type RunServiceOptions, type RunningService, type Service } from './service.js';
export { checkServiceLifecycle, type ServiceCheckReport } from './service-check.js';
export { createPeriodicJob, startRoundLoop, type PeriodicJobOptions, type RoundLoop, type RoundLoopOptions } from './round-loop.js';
export { actorOf, callerOf, canAccessMerchant, merchantScope, recordAudit, requireRole, ROLES, type AuditEvent, type AuditRecorder, type Caller, type Role } from './access.js';
// The access layer (API keys, route policy, rate limits, audit recorder): the api and every service's own server.
export { installAccessLayer, withAccessLayer, type AccessLayerDeps, type AccessOptions } from './access-layer/access.hook.js';
export { accessFor, ROUTE_POLICY, type Access, type PolicyRule } from './access-layer/route-policy.js';
export { DEFAULT_RATE_LIMITS, RateLimiter, rateLimitsFromEnv, type RateDecision, type RateLimits } from './access-layer/rate-limiter.js';
export { apiKeyPrefix, generateApiKey, hashApiKey, presentedKey, KEY_PREFIX_LENGTH, type GeneratedApiKey } from './access-layer/api-key.js';
