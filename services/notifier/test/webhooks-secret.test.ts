import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { parseOutboundAllow } from '@parcelwatch/outbound';
import { createSecretBox, parseSecretKey } from '@parcelwatch/secrets';
import { fixedClock } from '@parcelwatch/service-kit';
import { newId } from '@parcelwatch/contracts';
import type { Kysely } from 'kysely';
import { startWebhookSink, type WebhookSink } from '../src/sinks/webhook-sink.js';
import { createMerchantWebhooks } from '../src/webhooks/index.js';
import { resealWebhookSecrets } from '../src/webhooks/webhook-secret.store.js';
import { seedMerchant, shipmentEvent } from './webhooks-support.js';

// Signing secrets at rest: sealed under PARCELWATCH_SECRET_KEY, shown once in clear, opened to
// sign; clear rows (from before sealing, or a notifier without a key) sealed by the reseal round.

const logger = createLogger({ name: 'webhook-secret-test', level: 'silent' });
const clock = fixedClock('2026-11-23T09:00:00Z');
const newKey = () => parseSecretKey(randomBytes(32).toString('base64'));
const allow = parseOutboundAllow('127.0.0.1/32').entries;

describe('merchant webhook signing secrets', () => {
  let db: Kysely<Database>;
  const sinks: WebhookSink[] = [];

  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
  });
  afterAll(async () => {
    for (const sink of sinks) await sink.close();
    await db?.destroy();
  });

  const stored = async (id: string) => (await db.selectFrom('webhook_endpoints').select('secret').where('id', '=', id).executeTakeFirstOrThrow()).secret;

  it('stores the secret sealed, answers it in clear once, and signs with it', async () => {
    const box = createSecretBox({ current: newKey() });
    const webhooks = createMerchantWebhooks({ db, clock, logger, allow, secrets: box, worker: { intervalMs: 0 } });
    const merchant = await seedMerchant(db, 'sealed');
    const created = await webhooks.admin.create({ merchantId: merchant, url: 'http://127.0.0.1:9/placeholder', eventTypes: null });
    expect(created.secret).toMatch(/^whsec_/);
    const atRest = await stored(created.id);
    expect(atRest.startsWith(`pw1.${box.keyId}.`)).toBe(true);
    expect(atRest).not.toContain(created.secret.slice(6));
    expect((await webhooks.admin.get(created.id))?.secret).toBe(atRest);

    const sink = await startWebhookSink({ secret: created.secret, nowSeconds: () => Math.floor(clock.now().toSeconds()) });
    sinks.push(sink);
    await webhooks.admin.update(created.id, { url: sink.url });
    await webhooks.enqueue(db, shipmentEvent(merchant, newId(), 1));
    expect(await webhooks.worker.runOnce()).toMatchObject({ sent: 1 });
    expect(sink.received()).toHaveLength(1);
    expect(sink.rejected()).toEqual([]);

    const rotated = await webhooks.admin.rotateSecret(created.id);
    expect(rotated?.secret).toMatch(/^whsec_/);
    expect(await stored(created.id)).not.toContain(rotated!.secret.slice(6));
    await webhooks.admin.remove(created.id);
  });

  it('seals clear secrets and moves the previous key\'s to the current one; a notifier with the key signs with both', async () => {
    const merchant = await seedMerchant(db, 'legacy');
    // A notifier without a key stores the secret in clear (it says so at start).
    const clearOnly = createMerchantWebhooks({ db, clock, logger, allow, worker: { intervalMs: 0 } });
    const legacy = await clearOnly.admin.create({ merchantId: merchant, url: 'http://127.0.0.1:9/legacy', eventTypes: null });
    expect(await stored(legacy.id)).toBe(legacy.secret);

    const oldKey = newKey();
    const before = createMerchantWebhooks({ db, clock, logger, allow, secrets: createSecretBox({ current: oldKey }), worker: { intervalMs: 0 } });
    const older = await before.admin.create({ merchantId: merchant, url: 'http://127.0.0.1:9/older', eventTypes: null });

    const rotatedBox = createSecretBox({ current: newKey(), previous: oldKey });
    const round = await resealWebhookSecrets(db, rotatedBox);
    // Unreadable: the first test's endpoint, sealed under a key this box does not hold (left as it is).
    expect(round).toEqual({ sealed: 1, resealed: 1, unreadable: 1 });
    for (const id of [legacy.id, older.id]) expect((await stored(id)).startsWith(`pw1.${rotatedBox.keyId}.`)).toBe(true);
    expect(await resealWebhookSecrets(db, rotatedBox)).toEqual({ sealed: 0, resealed: 0, unreadable: 1 });

    // Both still sign as the merchant expects.
    const withKey = createMerchantWebhooks({ db, clock, logger, allow, secrets: rotatedBox, worker: { intervalMs: 0 } });
    const receivers: WebhookSink[] = [];
    for (const endpoint of [legacy, older]) {
      const sink = await startWebhookSink({ secret: endpoint.secret, nowSeconds: () => Math.floor(clock.now().toSeconds()) });
      sinks.push(sink);
      receivers.push(sink);
      await withKey.admin.update(endpoint.id, { url: sink.url });
    }
    await withKey.enqueue(db, shipmentEvent(merchant, newId(), 1));
    expect(await withKey.worker.runOnce()).toMatchObject({ sent: 2 });
    for (const sink of receivers) {
      expect(sink.received()).toHaveLength(1);
      expect(sink.rejected()).toEqual([]);
    }
  });
});
