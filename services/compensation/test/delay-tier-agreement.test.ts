/* eslint-disable @typescript-eslint/no-explicit-any -- the policy draft is edited loosely on purpose */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EmbeddedBus } from '@parcelwatch/bus';
import { EVENT_TYPES } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, setNextCheckAt, type Database } from '@parcelwatch/db';
import { createDetectorService, loadDetectorConfig } from '@parcelwatch/detector';
import { createLogger } from '@parcelwatch/logger';
import { DEFAULT_POLICY_PATH, defaultPolicy, delayTier, loadPolicyStore, type PolicyStore } from '@parcelwatch/policy';
import { fixedClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { createCompensationService, type CompensationService } from '../src/app.js';
import { loadCompensationConfig } from '../src/config.js';
import { compensationsOf, outboxEvents, seedShipment, waitFor } from './support.js';

// The detector labels delay events with a tier and compensation decides one; both read the one
// policy file (COMPENSATION_POLICY_PATH), so under a policy that is not the shipped one they
// still agree, shipment by shipment.

const logger = createLogger({ name: 'delay-tier-agreement', level: 'silent' });
/** Noon in New York on 23 November 2026: a parcel promised for the 20th is 3 days late. */
const NOW = '2026-11-23T17:00:00Z';
const DAYS_LATE = [1, 2, 5, 6, 9] as const;
const promisedFor = (daysLate: number) => `2026-11-${String(23 - daysLate).padStart(2, '0')}`;

describe('the delay tier under a non-default policy file', () => {
  let dir: string;
  let file: string;
  let db: Kysely<Database>;
  let bus: EmbeddedBus;
  const stores: PolicyStore[] = [];
  let compensation: CompensationService;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'delay-tier-'));
    file = path.join(dir, 'seller.policy.yaml');
    const raw = parseYaml(await readFile(DEFAULT_POLICY_PATH, 'utf8')) as Record<string, any>;
    raw.version = 'seller-2026-11-23';
    raw.tiers.tier1.minDaysLate = 2;
    raw.tiers.tier2.minDaysLate = 6;
    await writeFile(file, stringifyYaml(raw));
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    bus = new EmbeddedBus({ logger });
    await bus.connect();
  });
  afterAll(async () => {
    await compensation?.stop();
    for (const store of stores) store.close();
    await bus.disconnect();
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives each late parcel the same tier in the delay event and in the compensation', async () => {
    // Each service reads the file its own setting names: the same key, the same value.
    const env = { COMPENSATION_POLICY_PATH: file };
    const detectorPolicy = await loadPolicyStore(loadDetectorConfig(env).COMPENSATION_POLICY_PATH, logger);
    const compensationPolicy = await loadPolicyStore(loadCompensationConfig(env).COMPENSATION_POLICY_PATH, logger);
    stores.push(detectorPolicy, compensationPolicy);

    const clock = fixedClock(NOW);
    const shipments = [];
    for (const daysLate of DAYS_LATE) shipments.push(await seedShipment(db, { name: `agree-${daysLate}`, promised: promisedFor(daysLate) }));
    await setNextCheckAt(db, shipments.map((s) => ({ id: s.shipmentId, nextCheckAt: new Date('2026-11-23T00:00:00Z') })));

    const detector = createDetectorService({ logger, clock, db, bus, policy: detectorPolicy, sweep: { enabled: false } });
    expect(await detector.sweepOnce()).toMatchObject({ delays: DAYS_LATE.length });
    const delays = (await outboxEvents(db)).filter((event) => event.type === EVENT_TYPES.delayDetected);
    const eventTier = new Map(delays.map((event) => [event.data.shipmentId as string, { daysLate: event.data.daysLate as number, tier: event.data.tier as number | null }]));
    expect(shipments.map((s) => eventTier.get(s.shipmentId))).toEqual([
      { daysLate: 1, tier: null },
      { daysLate: 2, tier: 1 },
      { daysLate: 5, tier: 1 },
      { daysLate: 6, tier: 2 },
      { daysLate: 9, tier: 2 },
    ]);

    // The detector's events, as the relay would publish them, decided by compensation.
    compensation = createCompensationService({ logger, db, bus, clock, policy: compensationPolicy, executionIntervalMs: 0 });
    await compensation.start();
    await bus.send(delays.map((event) => ({ topic: 'shipment.delays', key: event.data.shipmentId as string, value: JSON.stringify(event) })));
    await waitFor('every delay event processed', async () => {
      const n = await db.selectFrom('processed_messages').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      return Number(n.n) >= delays.length;
    });
    for (const s of shipments) {
      const decided = (await compensationsOf(db, s.shipmentId)).map((row) => row.tier);
      const labelled = eventTier.get(s.shipmentId)!.tier;
      expect(decided).toEqual(labelled === null ? [] : [labelled]);
    }

    // Under the shipped policy these days would have earned other tiers: the file was what counted.
    expect(DAYS_LATE.map((d) => delayTier(defaultPolicy().tiers, d))).toEqual([null, null, 1, 1, 1]);
  });
});
