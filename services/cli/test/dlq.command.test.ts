import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseDeadLetters, EmbeddedBus, NonRetriableError } from '@parcelwatch/bus';
import { createEnvelope } from '@parcelwatch/contracts';
import { countUnpublishedOutbox, createDb, listAudit, listDeadLetters, migrateToLatest } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { UsageError } from '../src/commands/carriers.command.js';
import { dlqListCommand, dlqReplayCommand, dlqShowCommand } from '../src/commands/dlq.command.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TSX = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const LOOPBACK_GUARD = new URL('../../../test/harness/loopback-guard.mjs', import.meta.url).href;

function collector() {
  let text = '';
  return { write: (chunk: string) => (text += chunk), text: () => text };
}

describe('parcelwatch dlq', () => {
  let dir: string;
  let dataDir: string;
  let ids: number[] = [];
  const previous = process.env['PGLITE_DATA_DIR'];
  const events = [1, 2, 3].map((n) => createEnvelope({ type: 'parcelwatch.test.v1', source: 'test', subject: `shp-${n}`, merchantid: 'none', data: { n } }));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pw-dlq-'));
    dataDir = path.join(dir, 'data', 'pglite');
    const db = await createDb({ kind: 'pglite', dataDir });
    await migrateToLatest(db);
    // Letters made by the bus's own dead-letter path.
    const bus = new EmbeddedBus({ logger: createLogger({ name: 'dlq-test', level: 'silent' }), defaultPartitions: 1, deadLetters: databaseDeadLetters(db) });
    const consumer = bus.subscribe({
      topics: 'shipments',
      groupId: 'poller',
      retry: { retries: 0 },
      handler: async () => {
        throw new NonRetriableError('unknown carrier');
      },
    });
    await consumer.start();
    await bus.publish('shipments', events);
    for (let i = 0; i < 600 && (await listDeadLetters(db, { merchantIds: null })).items.length < 3; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    ids = (await listDeadLetters(db, { merchantIds: null })).items.map((item) => item.id).sort((a, b) => a - b);
    await bus.disconnect();
    await db.destroy();
    process.env['PGLITE_DATA_DIR'] = dataDir;
    delete process.env['DATABASE_URL'];
  });

  afterAll(() => {
    if (previous === undefined) delete process.env['PGLITE_DATA_DIR'];
    else process.env['PGLITE_DATA_DIR'] = previous;
  });

  it('lists and shows the letters with their reason and payload', async () => {
    expect(ids).toHaveLength(3);
    const list = collector();
    expect(await dlqListCommand({ topic: 'shipments', reason: 'handler' }, list)).toBe(0);
    const lines = list.text().trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+failed at\s+topic\s+group/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain('handler: NonRetriableError: unknown carrier');
    const paged = collector();
    await dlqListCommand({ limit: '2' }, paged);
    expect(paged.text()).toContain(`more: parcelwatch dlq list --before ${ids[1]}`);

    const shown = collector();
    expect(await dlqShowCommand(String(ids[0]), shown)).toBe(0);
    const letter = JSON.parse(shown.text());
    expect(letter).toMatchObject({ consumerGroup: 'poller', sourceTopic: 'shipments', reasonKind: 'handler', payloadIsJson: true });
    expect(JSON.parse(letter.payload).id).toBe(events[0]!.id);
    await expect(dlqShowCommand('x')).rejects.toThrow(UsageError);
    await expect(dlqListCommand({ state: 'gone' })).rejects.toThrow(UsageError);
  });

  it('replays from the command line once, audited as cli, and says why a second replay is refused', async () => {
    const { PGLITE_DATA_DIR: _p, DATABASE_URL: _d, ...inherited } = process.env;
    const run = spawnSync(process.execPath, ['--import', TSX, '--import', LOOPBACK_GUARD, MAIN, 'dlq', 'replay', String(ids[0])], {
      cwd: dir,
      env: { ...inherited, NODE_OPTIONS: '', PGLITE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^replayed dead letter ${ids[0]} \\(outbox row \\d+\\)\\n$`));
    expect(run.status).toBe(0);

    const again = collector();
    expect(await dlqReplayCommand({ ids: [String(ids[0])], allOpen: false }, again)).toBe(1);
    expect(again.text()).toBe(`not replayed: dead letter ${ids[0]}: already replayed\n`);
    const rest = collector();
    expect(await dlqReplayCommand({ ids: [], allOpen: true, topic: 'shipments' }, rest)).toBe(0);
    expect(rest.text().trim().split('\n')).toHaveLength(2);

    const db = await createDb({ kind: 'pglite', dataDir });
    try {
      expect(await countUnpublishedOutbox(db)).toBe(3);
      const audit = await listAudit(db, { merchantIds: null, targetType: 'dead_letter' });
      expect(audit.map((entry) => [entry.actor, entry.action]).sort()).toEqual(Array.from({ length: 3 }, () => ['cli', 'dead_letter.replayed']));
      expect((await listDeadLetters(db, { merchantIds: null })).items).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
