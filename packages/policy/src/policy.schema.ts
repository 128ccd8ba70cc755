import { CARRIER_FAULT_RETURN_CAUSES, currencyCodeSchema, parseMoney, returnCauseSchema, type CurrencyCode, type Money, type RateTable } from '@parcelwatch/contracts';
import { z } from 'zod';

/**
 * The compensation policy file (policy/default.policy.yaml). Strict objects, so a misspelt key
 * is an error rather than a silently ignored default; every problem is reported at once.
 */
const decimalSchema = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal amount as a string, e.g. "5.00"');
const rateSchema = z.string().regex(/^\d+(\.\d+)?$/, 'must be a positive decimal as a string, e.g. "0.92"');
const daysSchema = z.int().min(1).max(365);

const tier1Schema = z.strictObject({
  label: z.string().min(1),
  minDaysLate: daysSchema,
  action: z.enum(['store_coupon', 'free_shipping_voucher']),
  couponAmount: decimalSchema,
});

const tier2Schema = z.strictObject({
  label: z.string().min(1),
  minDaysLate: daysSchema,
  exceptionKinds: z.array(z.enum(['damaged'])).default([]),
  action: z.enum(['partial_refund', 'reship']),
  refundPercent: z.int().min(20, 'ARCHITECTURE.md allows 20 to 50 %').max(50, 'ARCHITECTURE.md allows 20 to 50 %'),
  greenAction: z.enum(['reship', 'partial_refund']),
});

const tier3Schema = z.strictObject({
  label: z.string().min(1),
  exceptionKinds: z.array(z.enum(['lost', 'damaged'])).min(1),
  /** Return causes (the detector's `returning` facts) that count as the carrier's fault and earn tier 3. */
  returningCarrierFaultReasons: z.array(returnCauseSchema).default([...CARRIER_FAULT_RETURN_CAUSES]),
  action: z.enum(['full_refund', 'priority_reship']),
  greenAction: z.enum(['priority_reship', 'full_refund']),
  addOns: z.array(z.enum(['gift'])).default([]),
  cancelWhenDelivered: z.boolean(),
});

export const policyFileSchema = z
  .strictObject({
    version: z.string().min(1),
    baseCurrency: currencyCodeSchema,
    rates: z.partialRecord(currencyCodeSchema, rateSchema).default({}),
    tiers: z.strictObject({ tier1: tier1Schema, tier2: tier2Schema, tier3: tier3Schema }),
    approval: z.strictObject({ fastChannelBelow: decimalSchema, supervisorUpTo: decimalSchema }),
    greenChannel: z.strictObject({ minLifetimeSpend: decimalSchema }),
    budget: z.strictObject({
      dailyCapPerMerchant: decimalSchema,
      merchants: z.record(z.uuid(), decimalSchema).default({}),
    }),
  })
  .superRefine((file, ctx) => {
    const amount = (path: (string | number)[], text: string): Money | null => {
      try {
        return parseMoney(text, file.baseCurrency);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path, message: (err as Error).message });
        return null;
      }
    };
    amount(['tiers', 'tier1', 'couponAmount'], file.tiers.tier1.couponAmount);
    const fast = amount(['approval', 'fastChannelBelow'], file.approval.fastChannelBelow);
    const supervisor = amount(['approval', 'supervisorUpTo'], file.approval.supervisorUpTo);
    if (fast !== null && supervisor !== null && supervisor.amountMinor < fast.amountMinor) {
      ctx.addIssue({ code: 'custom', path: ['approval', 'supervisorUpTo'], message: 'must not be below approval.fastChannelBelow' });
    }
    amount(['greenChannel', 'minLifetimeSpend'], file.greenChannel.minLifetimeSpend);
    amount(['budget', 'dailyCapPerMerchant'], file.budget.dailyCapPerMerchant);
    for (const [merchant, cap] of Object.entries(file.budget.merchants)) amount(['budget', 'merchants', merchant], cap);
    if (file.tiers.tier2.minDaysLate <= file.tiers.tier1.minDaysLate) {
      ctx.addIssue({ code: 'custom', path: ['tiers', 'tier2', 'minDaysLate'], message: 'must be above tiers.tier1.minDaysLate' });
    }
    for (const [currency, rate] of Object.entries(file.rates)) {
      if (Number(rate) <= 0) ctx.addIssue({ code: 'custom', path: ['rates', currency], message: 'must be above 0' });
    }
  });
export type PolicyFile = z.infer<typeof policyFileSchema>;

/** The parsed policy, with amounts as Money in the base currency. */
export interface CompensationPolicy {
  readonly version: string;
  readonly baseCurrency: CurrencyCode;
  readonly rates: RateTable;
  readonly tiers: PolicyFile['tiers'];
  readonly tier1Coupon: Money;
  readonly fastChannelBelow: Money;
  readonly supervisorUpTo: Money;
  readonly greenMinLifetimeSpend: Money;
  readonly dailyCap: (merchantId: string) => Money;
}

export type PolicyParseResult = { ok: true; policy: CompensationPolicy } | { ok: false; errors: string[] };

/** One line per problem: `tiers.tier2.refundPercent: ARCHITECTURE.md allows 20 to 50 %`. */
export function formatPolicyIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(file)'}: ${issue.message}`);
}

export function parsePolicy(raw: unknown): PolicyParseResult {
  const parsed = policyFileSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: formatPolicyIssues(parsed.error) };
  const file = parsed.data;
  const base = file.baseCurrency;
  const caps = new Map(Object.entries(file.budget.merchants).map(([merchant, cap]) => [merchant, parseMoney(cap, base)]));
  const defaultCap = parseMoney(file.budget.dailyCapPerMerchant, base);
  return {
    ok: true,
    policy: {
      version: file.version,
      baseCurrency: base,
      rates: { base, rates: file.rates },
      tiers: file.tiers,
      tier1Coupon: parseMoney(file.tiers.tier1.couponAmount, base),
      fastChannelBelow: parseMoney(file.approval.fastChannelBelow, base),
      supervisorUpTo: parseMoney(file.approval.supervisorUpTo, base),
      greenMinLifetimeSpend: parseMoney(file.greenChannel.minLifetimeSpend, base),
      dailyCap: (merchantId) => caps.get(merchantId) ?? defaultCap,
    },
  };
}
