import { findDeadLetter, listDeadLetters, replayDeadLetters, type DeadLetterReasonKind, type DeadLetterState } from '@parcelwatch/db';
import { systemClock, type Clock } from '@parcelwatch/service-kit';
import { UsageError } from './carriers.command.js';
import { CLI_ACTOR, formatTable, withDb, type Output } from './command-db.js';

/*
 * `parcelwatch dlq list|show|replay` on DATABASE_URL (or the embedded PGlite): the dead letters
 * both buses keep in the database, with the api's domain code (@parcelwatch/db). A replay puts the
 * original message back on its source topic through the outbox, marks the letter replayed (a
 * second replay is refused) and audits it as `cli`; the running services' relay publishes it.
 */

export interface DlqListInput {
  topic?: string;
  group?: string;
  reason?: string;
  state?: string;
  before?: string;
  limit?: string;
}

function positiveInt(flag: string, value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} takes a whole number from 1, got '${value}'`);
  return n;
}

function letterId(value: string | undefined, command: string): number {
  const id = value === undefined ? NaN : Number(value);
  if (!Number.isInteger(id) || id < 1) throw new UsageError(`dlq ${command} needs a dead letter id (a whole number)${value === undefined ? '' : `, got '${value}'`}`);
  return id;
}

export async function dlqListCommand(input: DlqListInput, out: Output = process.stdout): Promise<number> {
  if (input.reason !== undefined && input.reason !== 'parse' && input.reason !== 'handler') throw new UsageError(`--reason takes parse or handler, got '${input.reason}'`);
  const state = input.state ?? 'open';
  if (state !== 'open' && state !== 'replayed' && state !== 'all') throw new UsageError(`--state takes open, replayed or all, got '${state}'`);
  const limit = Math.min(positiveInt('--limit', input.limit, 50)!, 500);
  const before = positiveInt('--before', input.before);
  return withDb(async (db) => {
    const page = await listDeadLetters(db, {
      merchantIds: null,
      state: state as DeadLetterState,
      limit,
      ...(input.topic !== undefined ? { sourceTopic: input.topic } : {}),
      ...(input.group !== undefined ? { consumerGroup: input.group } : {}),
      ...(input.reason !== undefined ? { reasonKind: input.reason as DeadLetterReasonKind } : {}),
      ...(before !== undefined ? { before } : {}),
    });
    const lines = [['id', 'failed at', 'topic', 'group', 'key', 'event', 'failures', 'replayed', 'reason']];
    for (const l of page.items) {
      lines.push([String(l.id), l.failedAt.toISOString(), l.sourceTopic, l.consumerGroup, l.key ?? '-', l.eventId ?? '-', String(l.failures), l.replayedAt?.toISOString() ?? '-', l.reason.slice(0, 120)]);
    }
    out.write(formatTable(lines));
    if (page.nextBefore !== null) out.write(`more: parcelwatch dlq list --before ${page.nextBefore}\n`);
    return 0;
  });
}

export async function dlqShowCommand(id: string | undefined, out: Output = process.stdout): Promise<number> {
  const letter = letterId(id, 'show');
  return withDb(async (db) => {
    const found = await findDeadLetter(db, letter, null);
    if (found === undefined) throw new UsageError(`no dead letter ${letter}`);
    out.write(`${JSON.stringify({ ...found, failedAt: found.failedAt.toISOString(), replayedAt: found.replayedAt?.toISOString() ?? null }, null, 2)}\n`);
    return 0;
  });
}

/** Replays the letters named, or (with a filter and `--all-open`) every open one the filter matches. */
export async function dlqReplayCommand(
  input: { ids: readonly string[]; allOpen: boolean; topic?: string; group?: string },
  out: Output = process.stdout,
  clock: Clock = systemClock,
): Promise<number> {
  if (input.ids.length === 0 && !input.allOpen) throw new UsageError('dlq replay needs dead letter ids, or --all-open [--topic <t>] [--group <g>]');
  if (input.ids.length > 0 && input.allOpen) throw new UsageError('dlq replay takes ids or --all-open, not both');
  const named = input.ids.map((id) => letterId(id, 'replay'));
  return withDb(async (db) => {
    let ids = named;
    if (input.allOpen) {
      ids = [];
      let before: number | undefined;
      for (;;) {
        const page = await listDeadLetters(db, {
          merchantIds: null,
          state: 'open',
          limit: 500,
          ...(input.topic !== undefined ? { sourceTopic: input.topic } : {}),
          ...(input.group !== undefined ? { consumerGroup: input.group } : {}),
          ...(before !== undefined ? { before } : {}),
        });
        ids.push(...page.items.map((l) => l.id));
        if (page.nextBefore === null) break;
        before = page.nextBefore;
      }
    }
    const outcome = await db.transaction().execute((trx) => replayDeadLetters(trx, { ids, merchantIds: null, actor: CLI_ACTOR, at: clock.now().toJSDate() }));
    for (const r of outcome.replayed) out.write(`replayed dead letter ${r.id} (outbox row ${r.outboxId})\n`);
    for (const r of outcome.refused) out.write(`not replayed: dead letter ${r.id}: ${r.reason.replace('_', ' ')}\n`);
    return outcome.refused.length > 0 ? 1 : 0;
  });
}
