import type { CompensationTier, ExceptionFactsOf, ExceptionKind } from '@parcelwatch/contracts';
import { delayTier, type CompensationPolicy } from '@parcelwatch/policy';

/** What happened to the parcel, as the compensation service sees it. */
export type Trigger =
  | { kind: 'delay'; daysLate: number; against: 'promised' | 'estimated'; referenceDate: string }
  /** `returned` holds a returning exception's facts (why it goes back); null for any other kind. */
  | { kind: 'exception'; exceptionKind: ExceptionKind; returned: ExceptionFactsOf<'returning'> | null };

export type TriggerKind = 'delay' | 'damaged' | 'lost' | 'returning';

export interface TierMatch {
  tier: CompensationTier;
  triggerKind: TriggerKind;
  /** The first part of `ruleFired`, e.g. "tier2.delay". */
  rule: string;
  /** Why, for the ops sentence: "15 days late against the promised date 2026-11-01". */
  because: string;
  /** A refund for a parcel presumed lost is void if it turns up delivered before it is paid. */
  cancelOnDelivery: boolean;
}

export type TierOutcome = { matched: TierMatch } | { matched: null; why: string };

/** The policy lists the return causes it counts as the carrier's fault (by default, the detector's carrier-fault causes). */
function returningIsCarrierFault(policy: CompensationPolicy, returned: ExceptionFactsOf<'returning'> | null): boolean {
  return returned !== null && policy.tiers.tier3.returningCarrierFaultReasons.includes(returned.cause);
}

/** The tier a delay or an exception earns under the policy; null when it earns none. */
export function matchTier(policy: CompensationPolicy, trigger: Trigger): TierOutcome {
  const { tier1, tier2, tier3 } = policy.tiers;
  if (trigger.kind === 'delay') {
    const because = `${trigger.daysLate} days late against the ${trigger.against} delivery date ${trigger.referenceDate}`;
    const tier = delayTier(policy.tiers, trigger.daysLate);
    if (tier !== null) return { matched: { tier, triggerKind: 'delay', rule: `tier${tier}.delay`, because, cancelOnDelivery: false } };
    return { matched: null, why: `${because}: below the ${tier1.minDaysLate} days of tier 1` };
  }
  const kind = trigger.exceptionKind;
  if (kind === 'lost' || kind === 'damaged') {
    if ((tier3.exceptionKinds as readonly string[]).includes(kind)) {
      const because = kind === 'lost' ? 'the carrier reports the parcel lost (or destroyed), or it has had no scan for too long' : 'the parcel arrived damaged';
      return { matched: { tier: 3, triggerKind: kind, rule: `tier3.${kind}`, because, cancelOnDelivery: kind === 'lost' && tier3.cancelWhenDelivered } };
    }
    if ((tier2.exceptionKinds as readonly string[]).includes(kind)) {
      return { matched: { tier: 2, triggerKind: kind, rule: `tier2.${kind}`, because: 'the carrier reports light damage', cancelOnDelivery: false } };
    }
    return { matched: null, why: `the policy compensates no ${kind} exception` };
  }
  if (kind === 'returning') {
    const cause = trigger.returned?.cause ?? 'unknown';
    if (!returningIsCarrierFault(policy, trigger.returned)) {
      return { matched: null, why: `the parcel is returning, but not by the carrier's fault (cause: ${cause})` };
    }
    const reason = ` (${cause})`;
    return {
      matched: {
        tier: 3,
        triggerKind: 'returning',
        rule: 'tier3.returning',
        because: `the carrier is returning the parcel by its own fault${reason}`,
        cancelOnDelivery: tier3.cancelWhenDelivered,
      },
    };
  }
  return { matched: null, why: `a ${kind} exception is not compensated; a delay event follows if the parcel ends up late` };
}
