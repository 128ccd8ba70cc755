import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from '@jest/globals';
import type { Kysely } from 'kysely';
import { migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { fixedClock } from '@parcelwatch/service-kit';
import { buildApi } from '../src/build.js';
import { loadApiConfig } from '../src/config.js';
import type { ResponseBody } from './api-test-kit.js';

/*
 * The README's walk from an empty database to a first tracked parcel, through the seller's inputs
 * only: migrate, the api built from its environment as main.ts builds it, POST /v1/merchants with
 * the bootstrap admin key, an ingest key from the merchant's admin key, POST /v1/shipments, and the
 * shipment read back. No row is written by the test itself.
 */
export const OPERATOR_KEY = 'seller-walkthrough-bootstrap-key-0123456789abcdef';

export async function sellerFirstParcel(db: Kysely<Database>): Promise<{ merchantId: string; shipmentId: string }> {
  // `parcelwatch migrate` (the same function); the schema is there, and nothing in it.
  await migrateToLatest(db);
  for (const table of ['merchants', 'api_keys', 'shipments'] as const) {
    const { n } = await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(0);
  }
  const blobDir = await mkdtemp(path.join(tmpdir(), 'pw-walkthrough-'));
  const config = loadApiConfig({ PARCELWATCH_BOOTSTRAP_ADMIN_KEY: OPERATOR_KEY, HOST: '127.0.0.1', PORT: '0', BLOB_DIR: blobDir });
  const host = { logger: createLogger({ name: 'walkthrough', level: 'silent' }), clock: fixedClock('2026-03-02T10:00:00.000Z'), onClose: () => undefined };
  const unit = await buildApi(config, host, { db });
  await unit.service.start();
  const call = async (method: string, route: string, key: string, body?: unknown): Promise<{ status: number; body: ResponseBody }> => {
    const response = await fetch(`${unit.service.url()}${route}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  try {
    const merchant = await call('POST', '/v1/merchants', OPERATOR_KEY, {
      name: 'Ningbo Heaters',
      supportEmail: 'support@ningbo-heaters.example',
      defaultLocale: 'en-US',
      timeZone: 'America/New_York',
      sender: { name: 'Ningbo Heaters', email: 'orders@ningbo-heaters.example' },
      quietHours: { start: '21:00', end: '08:00' },
    });
    expect(merchant.status).toBe(201);
    const merchantId = merchant.body.merchant.id as string;
    const adminKey = merchant.body.adminKey.key as string;

    const ingest = await call('POST', '/v1/api-keys', adminKey, { name: 'shop system', role: 'ingest', merchantIds: [merchantId] });
    expect(ingest.status).toBe(201);

    const registered = await call('POST', '/v1/shipments', ingest.body.key, {
      merchantId,
      orderId: 'NB-1001',
      trackingNumber: 'YT1234567890123456',
      destinationCountry: 'US',
      buyer: { email: 'buyer@example.com', locale: 'en-US', timezone: 'America/Chicago' },
    });
    expect(registered.status).toBe(201);
    const shipmentId = registered.body.shipment.id as string;

    const detail = await call('GET', `/v1/shipments/${shipmentId}`, adminKey);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ shipment: { id: shipmentId, merchantId, trackingNumber: 'YT1234567890123456' } });
    // The poller's input: the registration event, in the outbox for the shipments topic.
    const outbox = await db.selectFrom('outbox').select(['topic', 'message_key']).execute();
    expect(outbox).toEqual([{ topic: 'shipments', message_key: shipmentId }]);
    return { merchantId, shipmentId };
  } finally {
    await unit.service.stop();
    await rm(blobDir, { recursive: true, force: true });
  }
}
