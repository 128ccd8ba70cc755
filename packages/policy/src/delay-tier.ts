import type { PolicyFile } from './policy.schema.js';

/** The delay tiers: 1 (minor delay), 2 (major delay). Tier 3 is never earned by lateness alone. */
export type DelayTier = 1 | 2;

/**
 * The tier a delay of `daysLate` whole days earns under the policy, null below tier 1. The one
 * place the delay tier is computed: the detector's delay events and compensation's decisions
 * both read it, from the same policy file, so they cannot disagree.
 */
export function delayTier(tiers: Pick<PolicyFile['tiers'], 'tier1' | 'tier2'>, daysLate: number): DelayTier | null {
  if (daysLate >= tiers.tier2.minDaysLate) return 2;
  if (daysLate >= tiers.tier1.minDaysLate) return 1;
  return null;
}
