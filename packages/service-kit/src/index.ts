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
export { createMetricsRegistry, DEAD_LETTER_METRIC, METRIC_PREFIX, registerDeadLetterMetric, type DeadLetterTally, type MetricsRegistryOptions } from './metrics.js';
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
export type { ServiceHost, ServiceUnit } from './service-unit.js';
