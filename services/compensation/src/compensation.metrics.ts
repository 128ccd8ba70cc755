import { countCompensationRefusals, type Database } from '@parcelwatch/db';
import { METRIC_PREFIX } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { Gauge, type Registry } from 'prom-client';

/**
 * Triggers refused because the shipment on record contradicts them, by reason. Read from the
 * refusals table at scrape time, so every instance reports the same truth; an alert on any
 * increase catches someone publishing to the broker who should not.
 */
export function registerCompensationMetrics(registry: Registry, db: Kysely<Database>): void {
  new Gauge({
    name: `${METRIC_PREFIX}compensation_refused_triggers`,
    help: 'Delay and exception events refused because the database state of the shipment does not support them, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await countCompensationRefusals(db)) this.set({ reason: row.reason }, row.count);
    },
  });
}
