import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { CARRIER_FAULT_RETURN_CAUSES, OTHER_RETURN_CAUSES, type ReturnCause } from '@parcelwatch/contracts';
import { parse as parseYaml } from 'yaml';
import { matchTier } from '../src/domain/tier.rules.js';
import { DEFAULT_POLICY_PATH, parsePolicy, type CompensationPolicy } from '@parcelwatch/policy';

async function shippedPolicy(): Promise<CompensationPolicy> {
  const parsed = parsePolicy(parseYaml(await readFile(DEFAULT_POLICY_PATH, 'utf8')));
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.policy;
}

const returning = (cause: ReturnCause, carrierFault: boolean) => ({ kind: 'exception' as const, exceptionKind: 'returning' as const, returned: { cause, carrierFault, causeCode: null } });

describe('tier of a returning parcel under the shipped policy', () => {
  it.each(CARRIER_FAULT_RETURN_CAUSES)('returned by the carrier\'s fault (%s): tier 3, void if it is delivered after all', async (cause) => {
    const outcome = matchTier(await shippedPolicy(), returning(cause, true));
    expect(outcome.matched).toMatchObject({ tier: 3, triggerKind: 'returning', rule: 'tier3.returning', cancelOnDelivery: true });
    expect(outcome.matched?.because).toContain(`(${cause})`);
  });

  it.each(OTHER_RETURN_CAUSES)('returned for another reason (%s): no compensation, and the reason names the cause', async (cause) => {
    const outcome = matchTier(await shippedPolicy(), returning(cause, false));
    expect(outcome).toEqual({ matched: null, why: `the parcel is returning, but not by the carrier's fault (cause: ${cause})` });
  });

  it('a seller can narrow what counts as the carrier\'s fault in the policy file', async () => {
    const policy = await shippedPolicy();
    const narrowed = { ...policy, tiers: { ...policy.tiers, tier3: { ...policy.tiers.tier3, returningCarrierFaultReasons: ['damaged' as const] } } };
    expect(matchTier(narrowed, returning('misrouted', true)).matched).toBeNull();
    expect(matchTier(narrowed, returning('damaged', true)).matched).toMatchObject({ tier: 3 });
  });

  it('refuses an unknown cause in the policy file', async () => {
    const raw = parseYaml(await readFile(DEFAULT_POLICY_PATH, 'utf8')) as { tiers: { tier3: { returningCarrierFaultReasons: string[] } } };
    raw.tiers.tier3.returningCarrierFaultReasons = ['gremlins'];
    const parsed = parsePolicy(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors[0]).toContain('tiers.tier3.returningCarrierFaultReasons.0');
  });
});
