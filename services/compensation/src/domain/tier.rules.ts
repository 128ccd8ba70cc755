import type { CompensationTier, ExceptionKind } from '@parcelwatch/contracts';
import { delayTier, type CompensationPolicy } from '@parcelwatch/policy';

/** What happened to the parcel, as the compensation service sees it. */
export type Trigger =
  | { kind: 'delay'; daysLate: number; against: 'promised' | 'estimated'; referenceDate: string }
  | { kind: 'exception'; exceptionKind: ExceptionKind; facts: Readonly<Record<string, string | number | boolean | null>> };

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

function returningIsCarrierFault(policy: CompensationPolicy, facts: Readonly<Record<string, unknown>>): boolean {
  if (facts['carrierFault'] === true) return true;
  const reason = facts['reason'];
  return typeof reason === 'string' && policy.tiers.tier3.returningCarrierFaultReasons.includes(reason);
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
    if (!returningIsCarrierFault(policy, trigger.facts)) {
      return { matched: null, why: 'the parcel is returning, but not by the carrier\'s fault (or the cause is unknown)' };
    }
    const reason = typeof trigger.facts['reason'] === 'string' ? ` (${trigger.facts['reason']})` : '';
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
