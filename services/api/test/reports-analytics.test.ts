import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createMerchant, seedCompensation, seedException, seedNotification, seedShipment, startReportApi, type ReportApi } from './report-test-kit.js';

// NOW is Monday 2026-03-02T10:00Z. Each report reads its own merchant, scoped by the fake caller.
const at = (iso: string) => new Date(iso);
const plusMinutes = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000);

describe('aggregate reports', () => {
  let t: ReportApi;
  let other: string;
  beforeAll(async () => {
    t = await startReportApi();
    other = await createMerchant(t.db);
  });
  afterAll(async () => t.close());

  describe('GET /v1/reports/carrier-performance', () => {
    let m: string;
    beforeAll(async () => {
      m = await createMerchant(t.db);
      // ups CN->US: ten delivered after 1..10 transit days, promised by the end of 2026-02-08 (UTC): 1..6 days are on time.
      for (let days = 1; days <= 10; days += 1) {
        await seedShipment(t.db, { merchantId: m, carrier: 'ups', origin: 'CN', destination: 'US', status: 'delivered', createdAt: at('2026-02-01T00:00:00Z'),
          pickedUpAt: at('2026-02-02T00:00:00Z'), deliveredAt: new Date(Date.parse('2026-02-02T00:00:00Z') + days * 86_400_000), promised: '2026-02-08', buyerTimezone: 'UTC' });
      }
      const held = await seedShipment(t.db, { merchantId: m, carrier: 'ups', origin: 'CN', destination: 'US', createdAt: at('2026-02-03T00:00:00Z'), pickedUpAt: at('2026-02-04T00:00:00Z') });
      await seedException(t.db, held, m, 'customs_hold', { openedAt: at('2026-02-08T00:00:00Z') });
      const lost = await seedShipment(t.db, { merchantId: m, carrier: 'ups', origin: 'CN', destination: 'US', createdAt: at('2026-02-03T00:00:00Z'), pickedUpAt: at('2026-02-04T00:00:00Z') });
      await seedException(t.db, lost, m, 'lost', { openedAt: at('2026-02-20T00:00:00Z') });
      await seedException(t.db, lost, m, 'stalled', { openedAt: at('2026-02-10T00:00:00Z'), status: 'resolved' });
      await seedShipment(t.db, { merchantId: m, carrier: 'ups', origin: 'CN', destination: 'DE', status: 'delivered', createdAt: at('2026-02-10T00:00:00Z'),
        pickedUpAt: at('2026-02-10T12:00:00Z'), deliveredAt: at('2026-02-13T12:00:00Z') });
      // Outside the range, and another merchant's.
      await seedShipment(t.db, { merchantId: m, carrier: 'ups', status: 'delivered', createdAt: at('2025-12-15T00:00:00Z'), pickedUpAt: at('2025-12-16T00:00:00Z'), deliveredAt: at('2026-02-16T00:00:00Z') });
      await seedShipment(t.db, { merchantId: other, carrier: 'ups', status: 'delivered', createdAt: at('2026-02-01T00:00:00Z'), pickedUpAt: at('2026-02-02T00:00:00Z'), deliveredAt: at('2026-03-01T00:00:00Z') });
    });
    const url = (extra = '') => `/v1/reports/carrier-performance?from=2026-01-01&to=2026-03-01${extra}`;

    it('computes on-time rate, median and p90 transit days and exception rates per lane', async () => {
      const response = await t.get(url(), [m]);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ from: '2026-01-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z', groupBy: 'lane' });
      expect(response.body.rows).toEqual([
        { carrier: 'ups', originCountry: 'CN', destinationCountry: 'DE', shipments: 1, delivered: 1, onTimeRate: null, deliveredWithPromise: 0,
          medianTransitDays: 3, p90TransitDays: 3, transitMeasured: 1, exceptionRate: 0, customsHoldRate: 0, lostRate: 0 },
        { carrier: 'ups', originCountry: 'CN', destinationCountry: 'US', shipments: 12, delivered: 10, onTimeRate: 0.6, deliveredWithPromise: 10,
          medianTransitDays: 5.5, p90TransitDays: 9.1, transitMeasured: 10, exceptionRate: 0.1667, customsHoldRate: 0.0833, lostRate: 0.0833 },
      ]);
    });

    it('groups by carrier and filters by carrier and lane', async () => {
      const byCarrier = await t.get(url('&groupBy=carrier'), [m]);
      expect(byCarrier.body.rows).toEqual([expect.objectContaining({ carrier: 'ups', originCountry: null, destinationCountry: null, shipments: 13, delivered: 11, onTimeRate: 0.6, medianTransitDays: 5, p90TransitDays: 9 })]);
      expect((await t.get(url('&destination=de'), [m])).body.rows).toEqual([expect.objectContaining({ destinationCountry: 'DE', shipments: 1 })]);
      expect((await t.get(url('&carrier=dhl'), [m])).body.rows).toEqual([]);
      expect((await t.get(url(), [])).body.rows).toEqual([]);
    });

    it('refuses an inverted or too long range', async () => {
      expect((await t.get('/v1/reports/carrier-performance?from=2026-03-01&to=2026-02-01', [m])).status).toBe(400);
      const long = await t.get('/v1/reports/carrier-performance?from=2024-01-01&to=2026-02-01', [m]);
      expect(long.status).toBe(400);
      expect(long.body.message).toMatch(/at most 366 days/);
      expect((await t.get('/v1/reports/carrier-performance?from=yesterday', [m])).status).toBe(400);
    });
  });

  describe('GET /v1/reports/exception-causes', () => {
    it('ranks causes per ISO week by carrier, lane and kind', async () => {
      const m = await createMerchant(t.db);
      const open = async (carrier: string, kind: 'stalled' | 'customs_hold' | 'lost', openedAt: string) => {
        const shipment = await seedShipment(t.db, { merchantId: m, carrier, origin: 'CN', destination: 'US' });
        await seedException(t.db, shipment, m, kind, { openedAt: at(openedAt) });
      };
      for (let i = 0; i < 3; i += 1) await open('ups', 'stalled', '2026-03-02T08:00:00Z');
      await open('dhl', 'customs_hold', '2026-03-02T09:00:00Z');
      await open('ups', 'customs_hold', '2026-02-25T00:00:00Z');
      await open('ups', 'customs_hold', '2026-03-01T23:59:00Z');
      await open('ups', 'stalled', '2026-02-24T00:00:00Z');
      await open('ups', 'lost', '2026-02-20T00:00:00Z');
      const response = await t.get('/v1/reports/exception-causes?weeks=2&top=1', [m]);
      expect(response.status).toBe(200);
      expect(response.body.since).toBe('2026-02-23T00:00:00.000Z');
      expect(response.body.weeks).toEqual([
        { weekStart: '2026-03-02', isoWeek: '2026-W10', exceptions: 4, causes: [{ carrier: 'ups', originCountry: 'CN', destinationCountry: 'US', kind: 'stalled', exceptions: 3, share: 0.75 }] },
        { weekStart: '2026-02-23', isoWeek: '2026-W09', exceptions: 3, causes: [{ carrier: 'ups', originCountry: 'CN', destinationCountry: 'US', kind: 'customs_hold', exceptions: 2, share: 0.6667 }] },
      ]);
      const wider = await t.get('/v1/reports/exception-causes?weeks=3', [m]);
      expect(wider.body.weeks.map((w: { weekStart: string }) => w.weekStart)).toEqual(['2026-03-02', '2026-02-23', '2026-02-16']);
      expect(wider.body.weeks[0].causes).toHaveLength(2);
      expect((await t.get('/v1/reports/exception-causes?weeks=2', [other])).body.weeks).toEqual([]);
      expect((await t.get('/v1/reports/exception-causes?weeks=53', [m])).status).toBe(400);
    });
  });

  describe('compensation queue and cost', () => {
    let m: string;
    let oldestPending: string;
    let newerPending: string;
    beforeAll(async () => {
      m = await createMerchant(t.db);
      const comp = async (carrier: string, tier: number, status: 'approved' | 'executed' | 'pending' | 'rejected' | 'cancelled', amountMinor: number, decidedAt: string, currency = 'USD') => {
        const shipmentId = await seedShipment(t.db, { merchantId: m, carrier });
        return seedCompensation(t.db, { shipmentId, merchantId: m, tier, status, amountMinor, currency, decidedAt: at(decidedAt) });
      };
      await comp('ups', 1, 'approved', 500, '2026-02-23T10:00:00Z');
      await comp('ups', 1, 'executed', 500, '2026-02-24T10:00:00Z');
      newerPending = await comp('ups', 1, 'pending', 500, '2026-02-25T10:00:00Z');
      await comp('ups', 1, 'rejected', 500, '2026-02-25T11:00:00Z');
      await comp('dhl', 2, 'executed', 2000, '2026-02-26T10:00:00Z');
      await comp('ups', 3, 'executed', 3000, '2026-02-16T00:00:00Z', 'EUR');
      oldestPending = await comp('dhl', 2, 'pending', 1500, '2026-01-05T00:00:00Z');
      const otherShipment = await seedShipment(t.db, { merchantId: other });
      await seedCompensation(t.db, { shipmentId: otherShipment, merchantId: other, tier: 1, status: 'pending', amountMinor: 500, decidedAt: at('2026-02-01T00:00:00Z') });
    });

    it('lists pending decisions oldest first with where to approve or reject them', async () => {
      const response = await t.get('/v1/reports/compensations/queue', [m]);
      expect(response.status).toBe(200);
      expect(response.body.items.map((item: { compensationId: string }) => item.compensationId)).toEqual([oldestPending, newerPending]);
      expect(response.body.items[1]).toMatchObject({ tier: 1, amount: { amountMinor: 500, currency: 'USD' }, carrier: 'ups', waitingHours: 120, approve: `/compensations/${newerPending}/approve` });
    });

    it('sums cost per ISO week, tier, carrier and currency', async () => {
      const response = await t.get('/v1/reports/compensations/cost?from=2026-02-01&to=2026-03-01', [m]);
      expect(response.status).toBe(200);
      expect(response.body.rows).toEqual([
        { weekStart: '2026-02-16', tier: 3, carrier: 'ups', currency: 'EUR', committed: { count: 1, amountMinor: 3000 }, executed: { count: 1, amountMinor: 3000 }, pending: { count: 0, amountMinor: 0 } },
        { weekStart: '2026-02-23', tier: 1, carrier: 'ups', currency: 'USD', committed: { count: 2, amountMinor: 1000 }, executed: { count: 1, amountMinor: 500 }, pending: { count: 1, amountMinor: 500 } },
        { weekStart: '2026-02-23', tier: 2, carrier: 'dhl', currency: 'USD', committed: { count: 1, amountMinor: 2000 }, executed: { count: 1, amountMinor: 2000 }, pending: { count: 0, amountMinor: 0 } },
      ]);
    });
  });

  describe('GET /v1/reports/response-sla', () => {
    it('counts exceptions by how soon the buyer was first told', async () => {
      const m = await createMerchant(t.db);
      const exception = async (kind: 'stalled' | 'customs_hold' | 'late' | 'lost' | 'not_picked_up', openedAt: string, merchantId = m) => {
        const shipmentId = await seedShipment(t.db, { merchantId });
        const id = await seedException(t.db, shipmentId, merchantId, kind, { openedAt: at(openedAt) });
        return { shipmentId, id, merchantId };
      };
      const opened = '2026-02-10T00:00:00Z';
      const e1 = await exception('stalled', opened);
      await seedNotification(t.db, { ...e1, trigger: `exception:${e1.id}:opened`, sentAt: plusMinutes(opened, 10) });
      await seedNotification(t.db, { ...e1, trigger: `exception:${e1.id}:opened`, channel: 'sms', sentAt: plusMinutes(opened, 20) });
      const e2 = await exception('stalled', opened);
      await seedNotification(t.db, { ...e2, trigger: `exception:${e2.id}:opened`, channel: 'sms', sentAt: plusMinutes(opened, 120) });
      const e3 = await exception('customs_hold', opened);
      await seedNotification(t.db, { ...e3, trigger: `exception:${e3.id}:opened`, channel: 'merchant_webhook', sentAt: plusMinutes(opened, 1) });
      await seedNotification(t.db, { ...e3, trigger: `exception:${e3.id}:opened`, status: 'failed', sentAt: null });
      await seedNotification(t.db, { ...e3, trigger: `exception:${e3.id}:escalated:1`, sentAt: plusMinutes(opened, 30 * 60) });
      const e4 = await exception('late', opened);
      await seedNotification(t.db, { ...e4, trigger: 'delay:notice', channel: 'marketplace_message', sentAt: plusMinutes(opened, 5) });
      const e5 = await exception('lost', '2026-02-11T00:00:00Z');
      await seedNotification(t.db, { ...e5, trigger: 'compensation:before', sentAt: at('2026-02-10T00:00:00Z') });
      const e6 = await exception('not_picked_up', '2026-02-12T00:00:00Z');
      await seedNotification(t.db, { ...e6, trigger: 'milestone:shipped', sentAt: plusMinutes('2026-02-12T00:00:00Z', 1) });
      await exception('stalled', '2026-03-01T00:00:00Z');
      const foreign = await exception('stalled', opened, other);
      await seedNotification(t.db, { ...foreign, trigger: `exception:${foreign.id}:opened`, sentAt: plusMinutes(opened, 1) });

      const response = await t.get('/v1/reports/response-sla?from=2026-02-01&to=2026-02-28', [m]);
      expect(response.status).toBe(200);
      expect(response.body.overall).toEqual({ exceptions: 6, toldWithin15m: 2, toldWithin24h: 3, toldLater: 1, notTold: 2, shareWithin15m: 0.3333, shareWithin24h: 0.5 });
      expect(response.body.byKind).toEqual([
        { kind: 'customs_hold', exceptions: 1, toldWithin15m: 0, toldWithin24h: 0, toldLater: 1, notTold: 0, shareWithin15m: 0, shareWithin24h: 0 },
        { kind: 'late', exceptions: 1, toldWithin15m: 1, toldWithin24h: 1, toldLater: 0, notTold: 0, shareWithin15m: 1, shareWithin24h: 1 },
        { kind: 'lost', exceptions: 1, toldWithin15m: 0, toldWithin24h: 0, toldLater: 0, notTold: 1, shareWithin15m: 0, shareWithin24h: 0 },
        { kind: 'not_picked_up', exceptions: 1, toldWithin15m: 0, toldWithin24h: 0, toldLater: 0, notTold: 1, shareWithin15m: 0, shareWithin24h: 0 },
        { kind: 'stalled', exceptions: 2, toldWithin15m: 1, toldWithin24h: 2, toldLater: 0, notTold: 0, shareWithin15m: 0.5, shareWithin24h: 1 },
      ]);
    });
  });
});
