import { createMerchant, issueApiKey, type MerchantCreate } from '@parcelwatch/api';
import type { Money } from '@parcelwatch/contracts';
import { appendAudit, type Database } from '@parcelwatch/db';
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Clock } from '@parcelwatch/service-kit';
import type { Stack } from '../service-stack.js';
import type { DemoClock } from './demo-clock.js';
import { readProgress, readSummary, progressLine, type DemoSummary } from './demo-summary.js';
import { createDemoJourneys, DEMO_DAYS, DEMO_SEED, demoMerchants, demoShipments, type DemoMerchant, type DemoShipment } from './demo-workload.js';
import { PipelineDrain } from './pipeline-drain.js';

/*
 * The demo workload of `parcelwatch start`: a few merchants register a few thousand shipments
 * through the api as they ship, while the clock moves an hour at a time and the whole pipeline
 * is brought to rest after each step. A run is recorded in the audit log (action demo.seeded)
 * with what is needed to re-create its journeys in the sandbox later.
 */

export const DEMO_AUDIT_ACTION = 'demo.seeded';
/** The actor of what the demo writes in the audit log. */
const DEMO_ACTOR = 'parcelwatch start';
/** Simulated hours per step: long enough that a step's fixed cost (a few dozen queries) stays small. */
export const STEP_HOURS = 3;
/** Registration requests carry at most this many shipments (the api's bulk limit). */
const CHUNK = 1_000;

export interface DemoRecord {
  seed: number;
  start: string;
  end: string;
  shipments: number;
}

interface Output {
  write(text: string): unknown;
}

/** The demo this database already holds, if any (the latest). */
export async function findDemoRecord(db: Kysely<Database>): Promise<DemoRecord | null> {
  const row = await db
    .selectFrom('audit_log')
    .select('details')
    .where('action', '=', DEMO_AUDIT_ACTION)
    .where('target_type', '=', 'demo')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? (row.details as unknown as DemoRecord) : null;
}

/** Simulated start of a new demo: its length before the real hour, so it ends at about the real time. */
export function demoStart(days: number = DEMO_DAYS, now: DateTime = DateTime.utc()): DateTime {
  return now.toUTC().startOf('hour').minus({ days });
}

export function demoMerchantIds(): string[] {
  return demoMerchants().map((merchant) => merchant.id);
}

/**
 * Onboards the demo's merchants through merchant onboarding, as a seller's would be, before the
 * admin key is made. Idempotent: the ids are fixed, and an existing one is left as it is. No
 * per-merchant admin key: the stack's bootstrap admin key (./data/admin-key) covers them all.
 */
export async function ensureDemoMerchants(db: Kysely<Database>, clock: Clock): Promise<void> {
  for (const merchant of demoMerchants()) {
    await createMerchant({ db, clock }, { id: merchant.id, profile: demoProfile(merchant), actor: DEMO_ACTOR, adminKey: false });
  }
}

/** English and UTC, as the demo's merchants always had (the buyers bring their own locale and zone). */
function demoProfile(merchant: DemoMerchant): MerchantCreate {
  const slug = merchant.name.toLowerCase().replace(/\(demo\)/, '').trim().replace(/[^a-z0-9]+/g, '-');
  return { name: merchant.name, supportEmail: `support@${slug}.example`, defaultLocale: 'en', timeZone: 'UTC' };
}

/** Has the sandbox generate a recorded demo's journeys again, so its shipments keep being answered. */
export function restoreDemoJourneys(stack: Stack, record: DemoRecord): void {
  const sandbox = demoSandbox(stack);
  const journeys = createDemoJourneys(sandbox.journeys, DateTime.fromISO(record.start, { zone: 'utc' }), record.shipments);
  placeDemoOrders(sandbox, demoShipments(journeys, demoMerchants()));
}

/** The orders exist on the (sandbox's) marketplace, as a shop's orders do: compensations are paid against them. */
function placeDemoOrders(sandbox: ReturnType<typeof demoSandbox>, plan: readonly DemoShipment[]): void {
  sandbox.marketplace.registerOrders(
    plan.map((s) => ({ orderId: String(s.registration['orderId']), trackingNumber: s.journey.trackingNumber, value: s.registration['orderValue'] as Money })),
  );
}

function demoSandbox(stack: Stack) {
  if (stack.parts.sandbox === null) throw new Error('the demo needs the carrier sandbox: open the stack with one');
  return stack.parts.sandbox;
}

export interface DemoRunOptions {
  shipments: number;
  /** Simulated days the demo runs (default DEMO_DAYS). */
  days?: number;
  out: Output;
  /** One line rewritten in place (a terminal), or a line per simulated day. */
  tty: boolean;
}

export interface DemoRunResult {
  summary: DemoSummary;
  wallSeconds: number;
  record: DemoRecord;
}

export async function runDemo(stack: Stack, clock: DemoClock, options: DemoRunOptions): Promise<DemoRunResult> {
  const started = performance.now();
  const { db } = stack;
  const start = clock.now();
  const days = options.days ?? DEMO_DAYS;
  const end = start.plus({ days });
  const record: DemoRecord = { seed: DEMO_SEED, start: start.toISO()!, end: end.toISO()!, shipments: options.shipments };
  const merchants = demoMerchants();
  const merchantIds = merchants.map((merchant) => merchant.id);
  await ensureDemoMerchants(db, clock);
  await appendAudit(db, { at: start.toJSDate(), actor: DEMO_ACTOR, action: DEMO_AUDIT_ACTION, targetType: 'demo', targetId: start.toISO()!, merchantId: null, details: { ...record } });
  // Merchants register like any client would: through the api, with an ingest key.
  const ingest = await issueApiKey({ db, clock }, { name: 'demo merchants (ingest)', role: 'ingest', merchantIds, actor: DEMO_ACTOR });
  const plan = demoShipments(createDemoJourneys(demoSandbox(stack).journeys, start, options.shipments), merchants);
  placeDemoOrders(demoSandbox(stack), plan);

  const drain = new PipelineDrain(db, stack.parts);
  await drain.begin();
  let next = 0;
  let lastLine = '';
  const show = async (final: boolean) => {
    const line = progressLine(clock.now().toISO()!, await readProgress(db, merchantIds));
    if (options.tty) {
      options.out.write(`\r\u001b[2K${line}${final ? '\n' : ''}`);
    } else if (line !== lastLine) {
      options.out.write(`${line}\n`);
    }
    lastLine = line;
  };

  const steps = Math.round((days * 24) / STEP_HOURS);
  for (let step = 1; step <= steps; step += 1) {
    clock.advance({ hours: STEP_HOURS });
    const nowMs = clock.now().toMillis();
    const due: DemoShipment[] = [];
    while (next < plan.length && Date.parse(plan[next]!.journey.shippedAt) <= nowMs) due.push(plan[next++]!);
    for (let i = 0; i < due.length; i += CHUNK) await register(stack, ingest.key, due.slice(i, i + CHUNK));
    await drain.untilQuiet();
    if (options.tty || (step * STEP_HOURS) % 24 === 0) await show(step === steps);
    if (process.env['PARCELWATCH_DEMO_TRACE'] === '1' && (step * STEP_HOURS) % 24 === 0) {
      options.out.write(`  phases (ms): ${JSON.stringify(Object.fromEntries(Object.entries(drain.timings).map(([k, v]) => [k, Math.round(v)])))}\n`);
    }
  }
  return { summary: await readSummary(db, merchantIds), wallSeconds: Math.round((performance.now() - started) / 1000), record };
}

async function register(stack: Stack, key: string, shipments: readonly DemoShipment[]): Promise<void> {
  const response = await fetch(`${stack.api.url()}/v1/shipments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ shipments: shipments.map((s) => s.registration) }),
  });
  const body = (await response.json()) as { summary?: { created: number; existing: number; errors: number }; results?: Array<{ status: string; message?: string }> };
  if (response.status !== 207 || body.summary === undefined || body.summary.errors > 0) {
    const errors = body.results?.filter((r) => r.status === 'error').slice(0, 3) ?? body;
    throw new Error(`demo registration refused: ${response.status} ${JSON.stringify(errors)}`);
  }
}
