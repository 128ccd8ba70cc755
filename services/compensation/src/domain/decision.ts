import {
  addMoney,
  convertMoney,
  formatMoney,
  money,
  multiplyMoney,
  subtractMoney,
  type CompensationAction,
  type CompensationTier,
  type Money,
} from '@parcelwatch/contracts';
import type { CompensationPolicy } from '@parcelwatch/policy';
import type { TierMatch, TriggerKind } from './tier.rules.js';

export type ApprovalLevel = 'automatic' | 'supervisor' | 'manager';
export type Channel = 'fast' | 'standard' | 'green';

/** A compensation the shipment already has. */
export interface PriorCompensation {
  id: string;
  tier: CompensationTier;
  status: 'pending' | 'approved' | 'rejected' | 'executing' | 'executed' | 'failed' | 'cancelled';
  amount: Money | null;
}

export interface DecisionInput {
  policy: CompensationPolicy;
  match: TierMatch;
  orderValue: Money | null;
  buyerLifetimeSpend: Money | null;
  prior: readonly PriorCompensation[];
  /** What the merchant has spent today, in the policy's base currency. */
  spentToday: Money;
  merchantId: string;
}

export interface Decision {
  tier: CompensationTier;
  triggerKind: TriggerKind;
  action: CompensationAction;
  addOns: CompensationAction[];
  /** In the order's currency; null for a reship. For a higher tier, only the difference. */
  amount: Money | null;
  /** What it costs against the daily budget, in the base currency. */
  baseCost: Money;
  approval: ApprovalLevel;
  channel: Channel;
  evidenceRequired: boolean;
  supersedes: string | null;
  ruleFired: string;
  explanation: string;
  cancelOnDelivery: boolean;
  /** 'already_compensated': lower tiers already paid at least this tier's amount. */
  outcome: 'due' | 'already_compensated';
}

export type DecisionResult = { decision: Decision } | { decision: null; why: string };

/** Statuses whose money is (or will be) paid: the difference is computed against them. */
const COUNTS_AS_PAID: ReadonlySet<PriorCompensation['status']> = new Set(['pending', 'approved', 'executing', 'executed']);
const MONEY_ACTIONS: ReadonlySet<CompensationAction> = new Set(['store_coupon', 'partial_refund', 'full_refund']);

export function isMoneyAction(action: CompensationAction): boolean {
  return MONEY_ACTIONS.has(action);
}

function toBase(policy: CompensationPolicy, m: Money): Money | null {
  try {
    return convertMoney(m, policy.baseCurrency, policy.rates);
  } catch {
    return null;
  }
}

function show(m: Money): string {
  return formatMoney(m);
}

function chooseAction(policy: CompensationPolicy, tier: CompensationTier, green: boolean): CompensationAction {
  const { tier1, tier2, tier3 } = policy.tiers;
  if (tier === 1) return tier1.action;
  if (tier === 2) return green ? tier2.greenAction : tier2.action;
  return green ? tier3.greenAction : tier3.action;
}

/** The full amount this tier is worth, in the order's currency (the coupon converted to it). */
function tierAmount(policy: CompensationPolicy, tier: CompensationTier, action: CompensationAction, orderValue: Money | null): Money | null {
  if (!isMoneyAction(action)) return null;
  if (action === 'store_coupon') {
    const currency = orderValue?.currency ?? policy.baseCurrency;
    try {
      return convertMoney(policy.tier1Coupon, currency, policy.rates, 'half-up');
    } catch {
      return policy.tier1Coupon;
    }
  }
  if (orderValue === null) return null;
  if (action === 'full_refund') return orderValue;
  return multiplyMoney(orderValue, (policy.tiers.tier2.refundPercent / 100).toString(), 'half-up');
}

/**
 * The policy applied to one tier match: action, amount (the difference to lower tiers already
 * granted), approval level, channel, and a sentence an ops person can read. Pure.
 */
export function decideCompensation(input: DecisionInput): DecisionResult {
  const { policy, match, orderValue } = input;
  const same = input.prior.find((p) => p.tier === match.tier);
  if (same !== undefined) return { decision: null, why: `tier ${match.tier} was already decided (${same.status}); at most one per shipment and tier` };
  const higher = input.prior.find((p) => p.tier > match.tier && p.status !== 'rejected' && p.status !== 'cancelled');
  if (higher !== undefined) return { decision: null, why: `tier ${higher.tier} already covers this shipment` };

  const sentences: string[] = [];
  const baseValue = orderValue === null ? null : toBase(policy, orderValue);
  const lifetime = input.buyerLifetimeSpend === null ? null : toBase(policy, input.buyerLifetimeSpend);
  const green = lifetime !== null && lifetime.amountMinor >= policy.greenMinLifetimeSpend.amountMinor;
  let action = chooseAction(policy, match.tier, green);
  // A refund needs an order value; without one the goods are sent again instead.
  if (orderValue === null && (action === 'partial_refund' || action === 'full_refund')) action = match.tier === 3 ? 'priority_reship' : 'reship';
  const full = tierAmount(policy, match.tier, action, orderValue);
  const addOns: CompensationAction[] = match.tier === 3 ? [...policy.tiers.tier3.addOns] : [];

  const label = policy.tiers[`tier${match.tier}`].label;
  sentences.push(`Tier ${match.tier} (${label}) because ${match.because}.`);
  if (green) sentences.push(`Green channel: the buyer's lifetime spend ${show(input.buyerLifetimeSpend as Money)} reaches ${show(policy.greenMinLifetimeSpend)}, so a reship comes first.`);

  // The difference to lower tiers: what they pay (or will) is deducted from this tier's amount.
  const lower = input.prior.filter((p) => p.tier < match.tier && COUNTS_AS_PAID.has(p.status));
  const supersedes = [...input.prior].filter((p) => p.tier < match.tier && p.status !== 'rejected' && p.status !== 'cancelled').sort((a, b) => b.tier - a.tier)[0]?.id ?? null;
  let amount = full;
  if (full !== null) {
    const paid = lower
      .map((p) => (p.amount === null ? null : p.amount.currency === full.currency ? p.amount : safeConvert(policy, p.amount, full.currency)))
      .filter((m): m is Money => m !== null)
      .reduce((sum, m) => addMoney(sum, m), money(0, full.currency));
    const due = subtractMoney(full, paid);
    amount = due.amountMinor > 0 ? due : money(0, full.currency);
    const what = actionText(action, full, orderValue, policy);
    sentences.push(paid.amountMinor > 0 ? `${what}, minus ${show(paid)} already granted by a lower tier: ${show(amount)}.` : `${what}.`);
  } else {
    sentences.push(`${actionText(action, null, orderValue, policy)}.`);
  }
  if (addOns.length > 0) sentences.push(`Plus ${addOns.join(', ')}.`);

  let approval: ApprovalLevel;
  let approvalRule: string;
  if (baseValue === null) {
    approval = 'manager';
    approvalRule = 'approval.manager.order_value_unknown';
    sentences.push(orderValue === null ? 'The order value is unknown: a manager approves, with evidence.' : `No ${policy.baseCurrency} rate for ${orderValue.currency}: a manager approves, with evidence.`);
  } else if (baseValue.amountMinor < policy.fastChannelBelow.amountMinor) {
    approval = 'automatic';
    approvalRule = 'approval.fast_channel';
    sentences.push(`Order value ${valueText(orderValue as Money, baseValue)} is below ${show(policy.fastChannelBelow)}: approved automatically, no evidence asked.`);
  } else if (baseValue.amountMinor <= policy.supervisorUpTo.amountMinor) {
    approval = 'supervisor';
    approvalRule = 'approval.supervisor';
    sentences.push(`Order value ${valueText(orderValue as Money, baseValue)} is from ${show(policy.fastChannelBelow)} to ${show(policy.supervisorUpTo)}: a supervisor approves, with evidence.`);
  } else {
    approval = 'manager';
    approvalRule = 'approval.manager';
    sentences.push(`Order value ${valueText(orderValue as Money, baseValue)} is above ${show(policy.supervisorUpTo)}: a manager approves, with evidence.`);
  }

  // Budget: a reship costs the goods (the order value); a money action its amount.
  const cost = amount !== null ? amount : orderValue;
  const baseCost = cost === null ? money(0, policy.baseCurrency) : (toBase(policy, cost) ?? money(0, policy.baseCurrency));
  const cap = policy.dailyCap(input.merchantId);
  const outcome: Decision['outcome'] = full !== null && amount !== null && amount.amountMinor === 0 ? 'already_compensated' : 'due';
  let budgetRule = '';
  if (outcome === 'due' && input.spentToday.amountMinor + baseCost.amountMinor > cap.amountMinor && approval !== 'manager') {
    approval = 'manager';
    budgetRule = ' | budget.daily_cap';
    sentences.push(`The merchant's daily budget of ${show(cap)} would be exceeded (${show(input.spentToday)} spent today, this costs ${show(baseCost)}): a manager decides instead.`);
  }
  if (outcome === 'already_compensated') sentences.push('Nothing more is due: lower tiers already granted at least this amount.');
  const channel: Channel = green ? 'green' : approval === 'automatic' ? 'fast' : 'standard';
  const ruleFired = `${match.rule}.${action} | ${approvalRule}${budgetRule}`;
  sentences.push(`Policy ${policy.version}, rule ${ruleFired}.`);
  return {
    decision: {
      tier: match.tier,
      triggerKind: match.triggerKind,
      action,
      addOns,
      amount,
      baseCost: outcome === 'due' ? baseCost : money(0, policy.baseCurrency),
      approval,
      channel,
      evidenceRequired: approval !== 'automatic',
      supersedes,
      ruleFired,
      explanation: sentences.join(' '),
      cancelOnDelivery: match.cancelOnDelivery,
      outcome,
    },
  };
}

function safeConvert(policy: CompensationPolicy, m: Money, to: Money['currency']): Money | null {
  try {
    return convertMoney(m, to, policy.rates);
  } catch {
    return null;
  }
}

function valueText(orderValue: Money, base: Money): string {
  return orderValue.currency === base.currency ? show(orderValue) : `${show(orderValue)} (${show(base)})`;
}

function actionText(action: CompensationAction, full: Money | null, orderValue: Money | null, policy: CompensationPolicy): string {
  switch (action) {
    case 'store_coupon':
      return `A store coupon of ${show(full as Money)}`;
    case 'free_shipping_voucher':
      return 'A free-shipping voucher';
    case 'partial_refund':
      return `A partial refund of ${policy.tiers.tier2.refundPercent}% of the ${show(orderValue as Money)} order, ${show(full as Money)}`;
    case 'full_refund':
      return `A full refund of the ${show(full as Money)} order`;
    case 'reship':
      return 'The order is shipped again';
    case 'priority_reship':
      return 'The order is shipped again with priority';
    default:
      return action;
  }
}
