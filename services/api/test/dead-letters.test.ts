import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { databaseDeadLetters, EmbeddedBus, NonRetriableError } from '@parcelwatch/bus';
import { createEnvelope, type Envelope } from '@parcelwatch/contracts';
import { countUnpublishedOutbox, listAudit } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { BOOTSTRAP_KEY, profile, startOnboardingApi, type OnboardingApi } from './merchant-onboarding-kit.js';

/*
 * /v1/dead-letters over HTTP on PGlite: letters made by the bus's own dead-letter path; admins see
 * and replay only their merchants' letters, the operator every one; a replay is audited and
 * happens once; /metrics counts them by source topic, reason and state.
 */
const logger = createLogger({ name: 'dead-letters-test', level: 'silent' });
const TOPIC = 'shipment.events';
let s: OnboardingApi;
let bus: EmbeddedBus;
const merchants: { id: string; adminKey: string }[] = [];
const events: Envelope[] = [];

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600 && !(await condition()); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
}

beforeAll(async () => {
  s = await startOnboardingApi();
  for (const [i, name] of ['Shop A', 'Shop B'].entries()) {
    const response = await s.call('POST', '/v1/merchants', BOOTSTRAP_KEY, profile({ name, marketplaceShop: { shopId: `700071453287627342${i}`, cipher: 'GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3' } }));
    if (response.status !== 201) throw new Error(JSON.stringify(response.body));
    merchants.push({ id: response.body.merchant.id, adminKey: response.body.adminKey.key });
  }
  bus = new EmbeddedBus({ logger, defaultPartitions: 1, deadLetters: databaseDeadLetters(s.db) });
  const consumer = bus.subscribe({
    topics: TOPIC,
    groupId: 'detector',
    retry: { retries: 0 },
    handler: async () => {
      throw new NonRetriableError('shipment does not exist');
    },
  });
  await consumer.start();
  for (const merchant of merchants) {
    events.push(createEnvelope({ type: 'parcelwatch.test.v1', source: 'test', subject: `shp-${merchant.id.slice(-4)}`, merchantid: merchant.id, data: { n: 1 } }));
  }
  await bus.publish(TOPIC, events);
  await bus.send([{ topic: TOPIC, key: 'shp-x', value: 'not json', headers: {} }]);
  await waitUntil(async () => (await s.call('GET', '/v1/dead-letters', BOOTSTRAP_KEY)).body.items.length === 3);
});

afterAll(async () => {
  await bus?.disconnect();
  await s?.close();
});

describe('/v1/dead-letters', () => {
  it('lists every letter for the operator, filtered and paged, and only its merchants for an admin', async () => {
    const all = await s.call('GET', '/v1/dead-letters', BOOTSTRAP_KEY);
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(3);
    const parse = await s.call('GET', '/v1/dead-letters?reason=parse', BOOTSTRAP_KEY);
    expect(parse.body.items).toEqual([expect.objectContaining({ reasonKind: 'parse', sourceTopic: TOPIC, consumerGroup: 'detector', merchantId: null })]);
    const page = await s.call('GET', '/v1/dead-letters?limit=2', BOOTSTRAP_KEY);
    expect(page.body.items).toHaveLength(2);
    const rest = await s.call('GET', `/v1/dead-letters?limit=2&before=${page.body.nextBefore}`, BOOTSTRAP_KEY);
    expect(rest.body).toMatchObject({ items: [expect.anything()], nextBefore: null });

    const a = await s.call('GET', '/v1/dead-letters', merchants[0]!.adminKey);
    expect(a.body.items).toEqual([expect.objectContaining({ merchantId: merchants[0]!.id, eventId: events[0]!.id, reason: 'handler: NonRetriableError: shipment does not exist' })]);
    expect((await s.call('GET', '/v1/dead-letters?topic=other', BOOTSTRAP_KEY)).body.items).toEqual([]);
    expect((await s.call('GET', '/v1/dead-letters?state=nonsense', BOOTSTRAP_KEY)).status).toBe(400);
  });

  it('shows one letter with its payload to whoever may see it, 404 to another merchant', async () => {
    const [mine] = (await s.call('GET', '/v1/dead-letters', merchants[0]!.adminKey)).body.items;
    const shown = await s.call('GET', `/v1/dead-letters/${mine.id}`, merchants[0]!.adminKey);
    expect(shown.status).toBe(200);
    expect(JSON.parse(shown.body.payload)).toMatchObject({ id: events[0]!.id });
    expect(shown.body).toMatchObject({ payloadIsJson: true, headers: expect.objectContaining({ ce_id: events[0]!.id }) });
    expect((await s.call('GET', `/v1/dead-letters/${mine.id}`, merchants[1]!.adminKey)).status).toBe(404);
    expect((await s.call('POST', `/v1/dead-letters/${mine.id}/replay`, merchants[1]!.adminKey, {})).status).toBe(404);
  });

  it('replays a letter once onto its source topic through the outbox, audited, and refuses a second replay', async () => {
    const [mine] = (await s.call('GET', '/v1/dead-letters', merchants[0]!.adminKey)).body.items;
    const before = await countUnpublishedOutbox(s.db);
    const replayed = await s.call('POST', `/v1/dead-letters/${mine.id}/replay`, merchants[0]!.adminKey, {});
    expect(replayed).toMatchObject({ status: 200, body: { id: mine.id } });
    expect(await countUnpublishedOutbox(s.db)).toBe(before + 1);
    const again = await s.call('POST', `/v1/dead-letters/${mine.id}/replay`, merchants[0]!.adminKey, {});
    expect(again).toMatchObject({ status: 409, body: { error: 'already_replayed' } });
    expect((await s.call('GET', '/v1/dead-letters?state=replayed', merchants[0]!.adminKey)).body.items).toEqual([expect.objectContaining({ id: mine.id, replayedBy: expect.stringMatching(/^key:/) })]);
    const audit = await listAudit(s.db, { merchantIds: [merchants[0]!.id], targetType: 'dead_letter' });
    expect(audit.map((entry) => [entry.action, entry.target_id])).toEqual([['dead_letter.replayed', mine.id]]);

    // Many at once: the operator's batch replays the other JSON letter and refuses the rest, saying why.
    const open = (await s.call('GET', '/v1/dead-letters', BOOTSTRAP_KEY)).body.items.map((item: { id: string }) => Number(item.id));
    const batch = await s.call('POST', '/v1/dead-letters/replay', BOOTSTRAP_KEY, { ids: [...open, Number(mine.id)] });
    expect(batch.status).toBe(200);
    expect(batch.body.replayed).toHaveLength(1);
    expect(batch.body.refused.map((r: { reason: string }) => r.reason).sort()).toEqual(['already_replayed', 'not_json']);
  });

  it('is for admins and the operator only', async () => {
    const viewer = await s.call('POST', '/v1/api-keys', merchants[0]!.adminKey, { name: 'viewer', role: 'viewer', merchantIds: [merchants[0]!.id] });
    expect((await s.call('GET', '/v1/dead-letters', viewer.body.key)).status).toBe(403);
    expect((await s.call('GET', '/v1/dead-letters', null)).status).toBe(401);
  });

  it('counts letters on /metrics by source topic, reason and state', async () => {
    const response = await fetch(`${s.api.url()}/metrics`);
    const text = await response.text();
    expect(text).toMatch(new RegExp(`parcelwatch_dead_letters\\{source_topic="${TOPIC.replace('.', '\\.')}",reason="handler",state="replayed"[^}]*\\} 2`));
    expect(text).toMatch(new RegExp(`parcelwatch_dead_letters\\{source_topic="${TOPIC.replace('.', '\\.')}",reason="parse",state="open"[^}]*\\} 1`));
  });
});
