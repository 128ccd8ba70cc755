// The month's reference, written apart from the services: the rules the shipped policy file
// declares (read from the YAML, each named by where it is declared), the templates the English
// catalogue declares, and what must hold of payouts, reminders and EDDs. No rule code of the
// services is imported or copied: a rule counts as reached when a stored decision shows what the
// policy text says it does (its tier, trigger, action, add-ons, approval, channel, outcome).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { en } from '../../services/notifier/src/templates/catalogue.en.js';

export const POLICY_FILE = fileURLToPath(new URL('../../packages/policy/policy/default.policy.yaml', import.meta.url));

/** A stored decision, as the api and the compensations table show it. */
export interface SeenDecision {
  id: string;
  orderId: string;
  tier: number;
  /** delay, or the exception kind that triggered it. */
  trigger: string;
  /** The action in the policy's words (store_coupon, partial_refund, reship, ...). */
  action: string;
  addOns: string[];
  approval: 'automatic' | 'supervisor' | 'manager';
  channel: 'fast' | 'standard' | 'green';
  status: string;
  /** The order's value in the policy's base currency (minor units), from the seller's own records. */
  orderBaseMinor: number;
}

export interface PolicyRule {
  /** Where the policy file declares it, e.g. "tiers.tier2.exceptionKinds[damaged]". */
  name: string;
  reachedBy(decision: SeenDecision): boolean;
}

interface TierText {
  minDaysLate?: number;
  exceptionKinds?: string[];
  returningCarrierFaultReasons?: string[];
  action: string;
  greenAction?: string;
  addOns?: string[];
  cancelWhenDelivered?: boolean;
}
interface PolicyText {
  baseCurrency: string;
  rates: Record<string, string>;
  tiers: Record<string, TierText>;
  approval: { fastChannelBelow: string; supervisorUpTo: string };
  greenChannel: { minLifetimeSpend: string };
  budget: { dailyCapPerMerchant: string };
}

export function readPolicy(): PolicyText {
  return parse(readFileSync(POLICY_FILE, 'utf8')) as PolicyText;
}

const minor = (decimal: string): number => Math.round(Number(decimal) * 100);

/** An amount in the policy's base currency, with the policy's own rates. */
export function toBaseMinor(policy: PolicyText, amount: { amountMinor: number; currency: string }): number {
  if (amount.currency === policy.baseCurrency) return amount.amountMinor;
  const rate = policy.rates[amount.currency];
  if (rate === undefined) throw new Error(`the policy has no rate for ${amount.currency}`);
  return Math.round(amount.amountMinor / Number(rate));
}

/** Every rule the policy file declares, each with what a decision that reached it looks like. */
export function policyRules(policy: PolicyText = readPolicy()): PolicyRule[] {
  const rules: PolicyRule[] = [];
  for (const [name, tierText] of Object.entries(policy.tiers)) {
    const tier = Number(name.replace(/^tier/, ''));
    const at = `tiers.${name}`;
    const ofTier = (d: SeenDecision) => d.tier === tier;
    if (tierText.minDaysLate !== undefined) rules.push({ name: `${at}.minDaysLate (${tierText.action})`, reachedBy: (d) => ofTier(d) && d.trigger === 'delay' && d.action === tierText.action });
    for (const kind of tierText.exceptionKinds ?? []) rules.push({ name: `${at}.exceptionKinds[${kind}] (${tierText.action})`, reachedBy: (d) => ofTier(d) && d.trigger === kind && d.action === tierText.action });
    if ((tierText.returningCarrierFaultReasons ?? []).length > 0) rules.push({ name: `${at}.returningCarrierFaultReasons`, reachedBy: (d) => ofTier(d) && d.trigger === 'returning' });
    if (tierText.greenAction !== undefined) rules.push({ name: `${at}.greenAction (${tierText.greenAction})`, reachedBy: (d) => ofTier(d) && d.channel === 'green' && d.action === tierText.greenAction });
    for (const addOn of tierText.addOns ?? []) rules.push({ name: `${at}.addOns[${addOn}]`, reachedBy: (d) => ofTier(d) && d.addOns.includes(addOn) });
    if (tierText.cancelWhenDelivered === true) rules.push({ name: `${at}.cancelWhenDelivered`, reachedBy: (d) => ofTier(d) && d.trigger === 'lost' && d.status === 'cancelled' });
  }
  const fast = minor(policy.approval.fastChannelBelow);
  const supervisor = minor(policy.approval.supervisorUpTo);
  rules.push({ name: 'approval.fastChannelBelow', reachedBy: (d) => d.approval === 'automatic' && d.orderBaseMinor < fast });
  rules.push({ name: 'approval.supervisorUpTo', reachedBy: (d) => d.approval === 'supervisor' && d.orderBaseMinor >= fast && d.orderBaseMinor <= supervisor });
  rules.push({ name: 'approval (above supervisorUpTo: manager)', reachedBy: (d) => d.approval === 'manager' && d.orderBaseMinor > supervisor });
  rules.push({ name: 'greenChannel.minLifetimeSpend', reachedBy: (d) => d.channel === 'green' });
  // Only the budget sends a case a supervisor could decide to a manager.
  rules.push({ name: 'budget.dailyCapPerMerchant', reachedBy: (d) => d.approval === 'manager' && d.orderBaseMinor <= supervisor });
  return rules;
}

/** The template ids of the catalogue of the one language the month's buyers read (English). */
export const TEMPLATE_IDS: readonly string[] = Object.keys(en.templates);

/** Reminder templates, by what they remind of: the catalogue's ids ending in `_reminder`. */
export function reminderTemplate(prefix: 'customs' | 'pickup'): string {
  const found = TEMPLATE_IDS.filter((id) => id.endsWith('_reminder') && id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`the catalogue declares ${found.length} ${prefix} reminder templates: ${found.join(', ')}`);
  return found[0]!;
}

/** One remedy request the marketplace peer logged. */
export interface PeerRequest {
  route: string;
  orderId: string | null;
  idempotencyKey: string | null;
  outcome: string;
}

/**
 * Exactly once, counted: every decision that was approved is executed, and the peer applied
 * exactly one remedy under its key; the peer applied nothing else; per order, as many remedies
 * as approved decisions. Returns readable problems (empty when all holds).
 */
export function executionProblems(approved: ReadonlyArray<{ id: string; orderId: string; executionKey: string; status: string }>, requests: readonly PeerRequest[]): string[] {
  const problems: string[] = [];
  const applied = requests.filter((r) => r.outcome === 'applied');
  const perKey = new Map<string, number>();
  const perOrder = new Map<string, number>();
  for (const r of applied) {
    perKey.set(r.idempotencyKey ?? '(none)', (perKey.get(r.idempotencyKey ?? '(none)') ?? 0) + 1);
    perOrder.set(r.orderId ?? '(none)', (perOrder.get(r.orderId ?? '(none)') ?? 0) + 1);
  }
  for (const c of approved) {
    if (c.status !== 'executed') problems.push(`compensation ${c.id} (order ${c.orderId}) was approved but is ${c.status}`);
    const n = perKey.get(c.executionKey) ?? 0;
    if (n !== 1) problems.push(`compensation ${c.id} (order ${c.orderId}) was applied ${n} times by the marketplace`);
  }
  const keys = new Set(approved.map((c) => c.executionKey));
  for (const [key, n] of perKey) if (!keys.has(key)) problems.push(`the marketplace applied ${n} remedies under key ${key}, which no approved compensation holds`);
  const wanted = new Map<string, number>();
  for (const c of approved) wanted.set(c.orderId, (wanted.get(c.orderId) ?? 0) + 1);
  for (const order of new Set([...wanted.keys(), ...perOrder.keys()])) {
    if ((wanted.get(order) ?? 0) !== (perOrder.get(order) ?? 0)) problems.push(`order ${order}: ${wanted.get(order) ?? 0} approved compensations, ${perOrder.get(order) ?? 0} remedies applied`);
  }
  return problems;
}
