import type { Provider } from '@parcelwatch/contracts';
import { applyPollSchedules, claimUnregisteredShipments, type Database, type PollableShipment } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import type { Kysely } from 'kysely';
import { groupByChoice, type ClientDirectory } from './carrier-account.directory.js';
import type { CadencePolicy } from './domain/cadence.js';
import type { PollerClient } from './poller.clients.js';
import type { PollerMetrics } from './poller.metrics.js';
import { normalizeKey, planSchedule, queryKeyOf } from './poll-schedule.planner.js';

export interface RoundContext {
  db: Kysely<Database>;
  /** Which client (which account) polls each shipment. */
  accounts: ClientDirectory;
  metrics: PollerMetrics;
  logger: Logger;
  now: () => Date;
  leaseMs: number;
  claimLimit: number;
  cadence: CadencePolicy;
  signal: AbortSignal;
}

export interface RegistrationReport {
  claimed: number;
  registered: number;
  failed: number;
  /** Set aside: no carrier account for their provider (the problem is on each shipment). */
  withoutAccount: number;
}

/**
 * Registers numbers with the provider that must know them before it tracks them. Returns the
 * keys it registered; a key it could not register is left out (and retried later).
 */
async function registerWith(provider: Provider, client: PollerClient, shipments: PollableShipment[], signal: AbortSignal): Promise<Set<string>> {
  const keys = [...new Set(shipments.map(queryKeyOf))];
  const done = new Set<string>();
  if (provider === '17track' && client.register) {
    // An answered call counts for all its numbers: "already registered" is a success, and a
    // number 17TRACK refuses outright shows up as not_found when polled, then expires.
    for (const outcome of await client.register(keys, { signal })) if (outcome.ok) outcome.numbers.forEach((n) => done.add(normalizeKey(n)));
    return done;
  }
  if (provider === 'aftership' && client.create) {
    const create = client.create.bind(client);
    await Promise.all(
      keys.map(async (key) => {
        try {
          await create(key, {}, { signal });
          done.add(normalizeKey(key));
        } catch {
          // Counted as a failure by the caller; the shipment comes back after its backoff.
        }
      }),
    );
    return done;
  }
  // Carriers' own APIs (and TikTok Shop) track any number without a registration step.
  keys.forEach((key) => done.add(normalizeKey(key)));
  return done;
}

export async function runRegistrationRound(ctx: RoundContext): Promise<RegistrationReport> {
  const claimedAt = ctx.now();
  const claimed = await claimUnregisteredShipments(ctx.db, {
    now: claimedAt,
    leaseUntil: new Date(claimedAt.getTime() + ctx.leaseMs),
    limit: ctx.claimLimit,
  });
  if (claimed.length === 0) return { claimed: 0, registered: 0, failed: 0, withoutAccount: 0 };

  const choose = await ctx.accounts.chooser(claimed);
  const results = await Promise.all(
    groupByChoice(claimed, choose).map(async ({ choice, shipments }) => {
      if (!choice.ok) {
        ctx.metrics.noAccount.inc({ provider: choice.provider }, shipments.length);
        ctx.logger.warn({ provider: choice.provider, problem: choice.problem, shipments: shipments.length }, 'registration postponed');
        return { shipments, done: new Set<string>(), problem: choice.problem };
      }
      try {
        return { shipments, done: await registerWith(choice.provider, choice.client, shipments, ctx.signal), problem: null };
      } catch (err) {
        ctx.logger.warn({ err, provider: choice.provider, account: choice.account, shipments: shipments.length }, 'registration failed; retried after backoff');
        return { shipments, done: new Set<string>(), problem: null };
      }
    }),
  );

  const now = ctx.now();
  let registered = 0;
  let withoutAccount = 0;
  const updates = results.flatMap(({ shipments, done, problem }) =>
    shipments.map((shipment) => {
      if (problem !== null) {
        withoutAccount += 1;
        return planSchedule(shipment, { kind: 'no_account', problem }, now, ctx.cadence).update;
      }
      const ok = done.has(normalizeKey(queryKeyOf(shipment)));
      if (ok) registered += 1;
      return planSchedule(shipment, ok ? { kind: 'registered' } : { kind: 'failed' }, now, ctx.cadence).update;
    }),
  );
  await applyPollSchedules(ctx.db, updates);
  return { claimed: claimed.length, registered, failed: claimed.length - registered - withoutAccount, withoutAccount };
}
