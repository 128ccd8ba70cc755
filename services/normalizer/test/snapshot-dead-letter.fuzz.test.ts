import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DLQ_HEADERS, processChunk, type OutgoingRecord, type RawMessage } from '@parcelwatch/bus';
import { mapPayload, PayloadError } from '@parcelwatch/carriers';
import { newId } from '@parcelwatch/contracts';
import { createDb, migrateToLatest, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import type { Kysely } from 'kysely';
import { snapshotConsumer } from '../src/app.js';
import { fuzzParams, mutate, mutation, oddText, type Mutation } from '../../../packages/carriers/test/fuzz/fuzz-support.js';
import { fixtureShipments, seedShipments, snapshotEvent, type FixtureShipment } from './snapshot-fixtures.js';

/*
 * Property: a chunk of snapshots whose carrier payloads are mutated real ones (and some messages
 * that are not snapshots at all) goes through the bus's chunk processor with the normalizer's own
 * parser and handler on PGlite without halting the partition: every snapshot the mappers can read
 * is recorded, every one they refuse is dead-lettered with the PayloadError as its reason, and
 * every unparsable message is dead-lettered as such. Nothing is lost, nothing halts.
 */

const TOPIC = 'tracking.snapshots';
const GROUP = 'normalizer-fuzz';
const logger = createLogger({ name: 'normalizer-fuzz', level: 'silent' });

describe('normalizer dead-lettering under fuzzing', () => {
  let db: Kysely<Database>;
  let shipments: FixtureShipment[];
  let offset = 0;

  beforeAll(async () => {
    db = await createDb({ kind: 'pglite' });
    await migrateToLatest(db);
    shipments = fixtureShipments('fuzz');
  });
  afterAll(async () => db.destroy());

  const raw = (key: string | null, value: Buffer | null): RawMessage => ({
    topic: TOPIC,
    partition: 0,
    offset: String((offset += 1)),
    key,
    value,
    headers: {},
    timestamp: String(Date.now()),
  });

  const entry = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('snapshot' as const), shipment: fc.nat(), mutations: fc.array(mutation, { maxLength: 4 }), base64: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), bytes: fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), oddText.map((t) => Buffer.from(t)), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? ''))) }) },
  );

  it('records what maps, dead-letters what does not with the reason, and never halts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 5 }), async (entries) => {
        const expected: Array<{ offset: string; outcome: 'recorded'; snapshotId: string } | { offset: string; outcome: 'dead'; reason: RegExp }> = [];
        // A fresh shipment per snapshot: on a shipment seen before, re-sent scans are deduped by
        // fingerprint and never reach an INSERT, which would hide what the database refuses.
        const fresh = entries.map((item) => (item.kind === 'snapshot' ? { ...(shipments[item.shipment % shipments.length] as FixtureShipment), shipmentId: newId() } : null));
        const toSeed = fresh.filter((shipment) => shipment !== null);
        if (toSeed.length > 0) await seedShipments(db, toSeed);
        const chunk = entries.map((item, index) => {
          if (item.kind === 'garbage') {
            const message = raw(null, item.bytes);
            expected.push({ offset: message.offset, outcome: 'dead', reason: /^parse: / });
            return message;
          }
          const shipment = fresh[index] as FixtureShipment;
          const body = mutate(shipment.body, item.mutations);
          const event = snapshotEvent(shipment, body, { base64: item.base64 });
          const message = raw(shipment.shipmentId, Buffer.from(JSON.stringify(event)));
          let refusal: PayloadError | null = null;
          try {
            mapPayload(shipment.provider, body, { trackingNumber: shipment.trackingNumber });
          } catch (err) {
            if (!(err instanceof PayloadError)) throw err;
            refusal = err;
          }
          const escaped = (text: string) => text.slice(0, 60).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          expected.push(
            refusal === null
              ? { offset: message.offset, outcome: 'recorded', snapshotId: event.data.snapshotId }
              : { offset: message.offset, outcome: 'dead', reason: new RegExp(`^handler: PayloadError: ${escaped(refusal.message)}`) },
          );
          return message;
        });

        const dead: OutgoingRecord[] = [];
        const { parse, handler } = snapshotConsumer({ db, groupId: GROUP, shipmentEventsTopic: 'shipment.events', now: () => '2025-03-20T00:00:00.000Z' });
        // Throws ConsumerHaltedError when a message fails with an error the bus would retry (an unexpected one).
        const result = await processChunk(
          { groupId: GROUP, handler, parse, retry: { retries: 0, factor: 1, minTimeoutMs: 1, maxTimeoutMs: 1 }, send: async (records) => void dead.push(...records), logger },
          chunk,
          { groupId: GROUP, topic: TOPIC, partition: 0, logger, heartbeat: async () => {}, isRunning: () => true },
        );
        expect(result.handled + result.deadLettered).toBe(chunk.length);

        const deadByOffset = new Map(dead.map((record) => [record.headers?.[DLQ_HEADERS.sourceOffset], record]));
        for (const want of expected) {
          const letter = deadByOffset.get(want.offset);
          if (want.outcome === 'dead') {
            if (letter === undefined) throw new Error(`offset ${want.offset} should have been dead-lettered (${want.reason})`);
            expect(letter.headers?.[DLQ_HEADERS.reason]).toMatch(want.reason);
            // The original bytes travel untouched, so the message can be replayed once fixed.
            expect(Buffer.compare(letter.value as Buffer, chunk.find((m) => m.offset === want.offset)?.value ?? Buffer.alloc(0))).toBe(0);
          } else {
            if (letter !== undefined) throw new Error(`offset ${want.offset} was dead-lettered: ${letter.headers?.[DLQ_HEADERS.reason]}`);
            const row = await db.selectFrom('tracking_snapshots').select('id').where('id', '=', want.snapshotId).executeTakeFirst();
            expect(row?.id).toBe(want.snapshotId);
          }
        }
      }),
      {
        ...fuzzParams<[Array<{ kind: 'snapshot'; shipment: number; mutations: Mutation[]; base64: boolean } | { kind: 'garbage'; bytes: Buffer }>]>(60),
        // Regression: a NUL and a lone surrogate in scan text made PostgreSQL refuse the checkpoints, dead-lettering the whole snapshot.
        examples: [[shipmentsWithText().map((shipment) => ({ kind: 'snapshot' as const, shipment, mutations: [{ kind: 'injectText' as const, at: 7, text: '\u0000\uD800', position: 1 }], base64: shipment % 2 === 0 }))]],
      },
    );
  });
});

/** Indexes of the fixture shipments (one per provider). */
function shipmentsWithText(): number[] {
  return fixtureShipments('fuzz').map((_, index) => index);
}
