import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from '@jest/globals';
import { countUnpublishedOutbox, createDb, enqueueOutbox } from '@parcelwatch/db';
import { createTestDatabase } from '@parcelwatch/test-harness';
import { sequenced } from './bus-contract.js';
import { createEffectsTable, effectStats, processedCount } from './support/effects.js';
import { waitFor } from './support/wait-for.js';

const SUPPORT = path.join(import.meta.dirname, 'support');
const TOTAL = 200;
const BOUND = 20;

interface Report {
  event: string;
  applied?: number;
  held?: number;
  unpublished?: number;
}

/** The embedded stack (bus, relay, consumer) as a child process; resolves its first report of `event`. */
function startStack(databaseUrl: string, topic: string, groupId: string, hangOnChunk: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(SUPPORT, 'embedded-stack.script.ts')], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      TSX_TSCONFIG_PATH: path.join(SUPPORT, 'tsconfig.child.json'),
      DATABASE_URL: databaseUrl,
      TOPIC: topic,
      GROUP_ID: groupId,
      HANG_ON_CHUNK: String(hangOnChunk),
      BOUND: String(BOUND),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const reports: Report[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => reports.push(JSON.parse(line) as Report));
  return {
    reported: async (event: string) => {
      await waitFor(`the stack to report '${event}'`, () => reports.some((r) => r.event === event) || child.exitCode !== null, { timeoutMs: 120_000, state: () => stderr });
      const found = reports.find((r) => r.event === event);
      if (!found) throw new Error(`the stack exited before '${event}': ${stderr}`);
      return found;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('EmbeddedBus + outbox relay across a SIGKILL', () => {
  it('processes every event after a restart when the process died holding handed-over, unprocessed ones', async () => {
    const database = await createTestDatabase();
    const db = await createDb({ kind: 'postgres', url: database.url, max: 2 });
    try {
      await createEffectsTable(db);
      const topic = 'embedded-sigkill';
      const groupId = 'embedded-effects';
      const events = Array.from({ length: TOTAL }, (_, seq) => sequenced(`shp-${seq % 10}`, seq));
      await db.transaction().execute((trx) => enqueueOutbox(trx, events.map((event) => ({ topic, key: event.subject, event }))));

      const doomed = startStack(database.url, topic, groupId, 3);
      const hanging = await doomed.reported('hanging');
      await doomed.kill();
      // Killed mid-batch, with events handed over to its memory and not processed.
      expect(hanging.applied).toBeLessThan(TOTAL);
      expect(hanging.held).toBeGreaterThanOrEqual(BOUND);
      const processedBeforeKill = await processedCount(db, groupId);
      expect(processedBeforeKill).toBe(hanging.applied);
      // Nothing unprocessed was marked published: the outbox still owes it.
      expect(await countUnpublishedOutbox(db)).toBeGreaterThanOrEqual(TOTAL - processedBeforeKill);

      const restarted = startStack(database.url, topic, groupId, 0);
      await restarted.reported('started');
      try {
        await waitFor('every event processed and every row marked', async () => (await processedCount(db, groupId)) === TOTAL && (await countUnpublishedOutbox(db)) === 0, {
          timeoutMs: 120_000,
        });
      } finally {
        await restarted.kill();
      }
      expect(await effectStats(db)).toEqual({ rows: TOTAL, distinct: TOTAL });
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
