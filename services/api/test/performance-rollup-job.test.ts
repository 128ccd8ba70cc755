import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { carrierPerformance, carrierPerformanceFromShipments, countStaleCarrierPerformance } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { createPerformanceRollupJob } from '../src/reports/performance-rollup.job.js';
import { createMerchant, seedException, seedShipment, startReportApi, type ReportApi } from './report-test-kit.js';

// The rollup job as parcelwatch start runs it, on PGlite (the embedded database): triggers mark, the job rolls up.
describe('performance rollup job on PGlite', () => {
  let t: ReportApi;
  beforeAll(async () => {
    t = await startReportApi();
  });
  afterAll(async () => t.close());

  it('rolls up what the triggers marked, and the report still equals the one from shipments', async () => {
    const m = await createMerchant(t.db);
    for (let i = 0; i < 12; i += 1) {
      const id = await seedShipment(t.db, {
        merchantId: m,
        carrier: i % 2 === 0 ? 'ups' : 'dhl',
        status: 'delivered',
        createdAt: new Date(Date.parse('2026-02-01T06:00:00Z') + i * 43_200_000),
        pickedUpAt: new Date(Date.parse('2026-02-02T00:00:00Z') + i * 43_200_000),
        deliveredAt: new Date(Date.parse('2026-02-06T00:00:00Z') + i * 50_000_000),
        promised: '2026-02-12',
      });
      if (i % 3 === 0) await seedException(t.db, id, m, i % 2 === 0 ? 'customs_hold' : 'lost', { openedAt: new Date('2026-02-20T00:00:00Z') });
    }
    expect(await countStaleCarrierPerformance(t.db)).toBeGreaterThan(0);
    const job = createPerformanceRollupJob({ db: t.db, logger: createLogger({ name: 'test', level: 'silent' }) });
    await job.start();
    await job.stop();
    expect(await countStaleCarrierPerformance(t.db)).toBe(0);
    const rolled = await sql<{ shipments: string }>`SELECT sum(shipments) AS shipments FROM carrier_performance_daily WHERE merchant_id = ${m}::uuid`.execute(t.db);
    expect(Number(rolled.rows[0]!.shipments)).toBe(12);
    const q = { from: new Date('2026-01-31T12:00:00Z'), to: new Date('2026-02-10T12:00:00Z'), scope: [m], groupBy: 'lane' as const };
    const expected = await carrierPerformanceFromShipments(t.db, q);
    expect(expected.map((r) => r.shipments)).toEqual([6, 6]);
    expect(await carrierPerformance(t.db, q)).toEqual(expected);
  });
});
