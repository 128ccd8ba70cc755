import type { PollableShipment, PollScheduleUpdate } from '@parcelwatch/db';
import { nextPoll, type CadenceDecision, type CadencePolicy } from './domain/cadence.js';

/** Turns a cadence decision into the row update for one claimed shipment. */
export function planSchedule(
  shipment: PollableShipment,
  result: { kind: 'answered' } | { kind: 'failed' } | { kind: 'registered' } | { kind: 'no_account'; problem: string },
  now: Date,
  policy: CadencePolicy,
): { update: PollScheduleUpdate; decision: CadenceDecision } {
  const base = { id: shipment.id, leaseUntil: shipment.leaseUntil };
  if (result.kind === 'registered') {
    // Known to the provider now: poll straight away.
    const decision: CadenceDecision = { kind: 'poll', at: now, because: 'registered' };
    return { decision, update: { ...base, nextPollAt: now, active: true, pollAttempts: 0, polledAt: null, registeredAt: now, problem: null } };
  }
  // Waiting for an account is not a provider failure: the failure count (and its backoff) stays.
  const failures = result.kind === 'failed' ? shipment.pollAttempts + 1 : result.kind === 'no_account' ? shipment.pollAttempts : 0;
  const outcome = result.kind === 'failed' ? { kind: 'failed' as const, consecutiveFailures: failures } : result.kind === 'no_account' ? { kind: 'no_account' as const } : { kind: 'answered' as const };
  const decision = nextPoll(shipment, outcome, now, policy);
  const polledAt = result.kind === 'answered' ? now : null;
  // A call made (answered or failed) means an account exists: only a missing one sets the problem.
  const problem = result.kind === 'no_account' ? result.problem : null;
  if (decision.kind === 'stop') {
    // A parcel quiet for 30 days stops being polled but stays active: `active` also gates the
    // detector, whose lost rule fires at exactly that silence (and whose delay keeps counting).
    // Deactivating it here would hide every silent loss. Finished or too old ones are done.
    const active = decision.reason === 'expired_quiet';
    return { decision, update: { ...base, nextPollAt: null, active, pollAttempts: failures, polledAt, registeredAt: null, problem } };
  }
  return { decision, update: { ...base, nextPollAt: decision.at, active: true, pollAttempts: failures, polledAt, registeredAt: null, problem } };
}

export function groupByProvider(shipments: readonly PollableShipment[]): Map<string, PollableShipment[]> {
  const groups = new Map<string, PollableShipment[]>();
  for (const shipment of shipments) {
    const group = groups.get(shipment.provider) ?? [];
    group.push(shipment);
    groups.set(shipment.provider, group);
  }
  return groups;
}

/** What the provider is asked about: TikTok Shop tracks orders, every other provider numbers. */
export function queryKeyOf(shipment: PollableShipment): string {
  return shipment.provider === 'tiktok' ? shipment.orderId : shipment.trackingNumber;
}

export const normalizeKey = (key: string) => key.trim().toUpperCase();
