import { createMetricsRegistry, METRIC_PREFIX } from '@parcelwatch/service-kit';
import { Counter, type Registry } from 'prom-client';
import type { ClaimLostStage } from './notification-dispatcher.js';

/** What the dispatch loop shows on /metrics. */
export interface DispatchMetrics {
  /** Claims another worker took over after their lease ran out: skipped before sending, or sent but left unfinished. */
  claimsLost: Counter<'stage'>;
}

export function createDispatchMetrics(registry: Registry = createMetricsRegistry({ service: 'notifier', defaultMetrics: false })): DispatchMetrics {
  return {
    claimsLost: new Counter({
      name: `${METRIC_PREFIX}notifier_claims_lost_total`,
      help: 'Notification claims found taken over by another dispatcher (lease ran out), by stage: before_send (skipped) or after_send (sent, not finished here)',
      labelNames: ['stage'] as const,
      registers: [registry],
    }),
  };
}

export function countClaimLost(metrics: DispatchMetrics): (stage: ClaimLostStage) => void {
  return (stage) => metrics.claimsLost.inc({ stage });
}
