// A seller's month, end to end on Kafka, PostgreSQL and S3: parcels registered through the api
// (JSON and CSV) as they ship, carriers played by the sandbox (polls and webhook pushes), buyers
// told by email and SMS, compensations decided, approved by the ops team over the api and paid on
// the sandbox's TikTok Shop. Checked against the oracle (sellers-month.oracle.ts): every policy
// rule and every template reached, every approved compensation paid exactly once as the
// marketplace itself counts, reminders sent, EDDs set.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SANDBOX_SHOP } from '@parcelwatch/carrier-sandbox';
import { DateTime } from 'luxon';
import { executionProblems, policyRules, readPolicy, reminderTemplate, TEMPLATE_IDS, toBaseMinor, type PeerRequest, type SeenDecision } from './sellers-month.oracle.js';
import { FOUND_AFTER_LOSS, planMonth, stepTimes, type PlannedParcel } from './sellers-month.plan.js';
import { Seller } from './sellers-month.seller.js';
import { SellersMonthStack } from './sellers-month.stack.js';

const plan: PlannedParcel[] = planMonth();
const byOrder = new Map(plan.map((p) => [p.orderId, p]));

describe("a seller's month on Kafka, PostgreSQL and S3, entered only through public inputs", () => {
  const stack = new SellersMonthStack();
  const seller = new Seller(() => stack.api.url());
  seller.held.add(FOUND_AFTER_LOSS);
  let wallSeconds = 0;

  beforeAll(async () => {
    const started = performance.now();
    await stack.open(plan);
    await seller.onboard(stack.bootstrapKey, { shopId: 'month-shop', cipher: SANDBOX_SHOP.shopCipher });
    let next = 0;
    for (const at of stepTimes()) {
      stack.clock.set(DateTime.fromMillis(at, { zone: 'utc' }));
      const due: PlannedParcel[] = [];
      while (next < plan.length && Date.parse(plan[next]!.registerAt) <= at) due.push(plan[next++]!);
      if (due.length > 0) await seller.register(due);
      await stack.untilQuiet(() => seller.approvePending());
    }
    wallSeconds = Math.round((performance.now() - started) / 1000);
    process.stdout.write(`seller's month: ${plan.length} parcels, ${stepTimes().length} steps in ${wallSeconds} s; drain phases (ms) ${JSON.stringify(stack.timings)}\n`);
  }, 900_000);

  afterAll(async () => {
    await stack.close();
  });

  it('registered every parcel of the month (JSON and CSV), on two carriers, two lanes and two providers', async () => {
    const rows = await stack.db.selectFrom('shipments').select(['order_id', 'carrier', 'provider', 'destination_country']).execute();
    expect(rows.map((r) => r.order_id).sort()).toEqual(plan.map((p) => p.orderId).sort());
    expect(new Set(rows.map((r) => r.carrier)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(rows.map((r) => r.provider))).toEqual(new Set(['17track', 'aftership']));
    expect(new Set(plan.map((p) => p.intake))).toEqual(new Set(['api', 'csv']));
    expect(new Set(plan.map((p) => p.journey.lane))).toEqual(new Set(['CN-US', 'CN-EU']));
  });

  it('reaches every rule of the default compensation policy', async () => {
    const decisions = await seenDecisions();
    const policy = readPolicy();
    const missed = policyRules(policy)
      .filter((rule) => !decisions.some((d) => rule.reachedBy(d)))
      .map((rule) => rule.name);
    const seen = decisions.map((d) => `${d.orderId} t${d.tier} ${d.trigger} ${d.action}${d.addOns.length ? `+${d.addOns.join('+')}` : ''} ${d.approval} ${d.channel} ${d.status}`);
    expect({ missed, seen }).toEqual({ missed: [], seen });
  });

  it('pays tier 3 for a parcel the carrier damaged and sent back, and not for one the buyer refused', async () => {
    const policy = readPolicy();
    const faultReasons = policy.tiers['tier3']?.returningCarrierFaultReasons ?? [];
    // The journeys asked of the sandbox: damage, then the return (a cause the policy names), or a refusal (one it does not).
    expect(faultReasons).toContain('damaged');
    expect(faultReasons).not.toContain('refused');
    const decisions = await seenDecisions();
    const tier3Returning = (scenario: string) =>
      plan.filter((p) => p.scenario === scenario).map((p) => ({ order: p.orderId, tier3: decisions.some((d) => d.orderId === p.orderId && d.tier === 3 && d.trigger === 'returning') }));
    expect(tier3Returning('returned-carrier-fault')).toEqual(plan.filter((p) => p.scenario === 'returned-carrier-fault').map((p) => ({ order: p.orderId, tier3: true })));
    expect(tier3Returning('returned-refused')).toEqual(plan.filter((p) => p.scenario === 'returned-refused').map((p) => ({ order: p.orderId, tier3: false })));
  });

  it('sends every template of the catalogue at least once', async () => {
    const sent = await stack.db.selectFrom('notifications').select('template').distinct().where('status', '=', 'sent').execute();
    const sentIds = new Set(sent.map((r) => r.template));
    expect(TEMPLATE_IDS.filter((id) => !sentIds.has(id))).toEqual([]);
    // The sinks received them: the buyers' inboxes and phones, not only the notifier's records.
    const sentOn = async (channel: 'email' | 'sms') =>
      Number((await stack.db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'sent').where('channel', '=', channel).executeTakeFirstOrThrow()).n);
    expect({ email: stack.smtp.received().length, sms: stack.sms.received().length }).toEqual({ email: await sentOn('email'), sms: await sentOn('sms') });
    expect(stack.sms.received().length).toBeGreaterThan(0);
  });

  it('reminds buyers of a long customs hold and of a parcel waiting at a pickup point', async () => {
    const reminded = async (scenario: string, template: string) => {
      const orders = plan.filter((p) => p.scenario === scenario).map((p) => p.orderId);
      const rows = await stack.db
        .selectFrom('notifications')
        .innerJoin('shipments', 'shipments.id', 'notifications.shipment_id')
        .select('shipments.order_id')
        .distinct()
        .where('notifications.template', '=', template)
        .where('notifications.status', '=', 'sent')
        .where('shipments.order_id', 'in', orders)
        .execute();
      return { scenario, template, missing: orders.filter((o) => !rows.some((r) => r.order_id === o)) };
    };
    expect(await reminded('customs-hold', reminderTemplate('customs'))).toEqual({ scenario: 'customs-hold', template: reminderTemplate('customs'), missing: [] });
    expect(await reminded('pickup-uncollected', reminderTemplate('pickup'))).toEqual({ scenario: 'pickup-uncollected', template: reminderTemplate('pickup'), missing: [] });
  });

  it('pays every approved compensation exactly once, as the marketplace counts its own requests', async () => {
    const rows = await stack.db
      .selectFrom('compensations')
      .innerJoin('shipments', 'shipments.id', 'compensations.shipment_id')
      .select(['compensations.id', 'shipments.order_id', 'compensations.execution_key', 'compensations.status', 'compensations.approved_at', 'compensations.amount_minor', 'compensations.currency'])
      .execute();
    // Approved by the ops team or automatically; a zero "nothing more due" decision is never approved.
    const approved = rows.filter((r) => r.approved_at !== null).map((r) => ({ id: r.id, orderId: r.order_id, executionKey: r.execution_key, status: r.status }));
    expect(approved.length).toBeGreaterThanOrEqual(10);
    expect(seller.approvals.filter((a) => a.status !== 200)).toEqual([]);
    expect(new Set(seller.approvals.map((a) => a.level))).toEqual(new Set(['supervisor', 'manager']));
    const ledger = (await (await fetch(`${stack.sandbox.url}/sandbox/marketplace`)).json()) as {
      requests: PeerRequest[];
      payouts: Array<{ idempotencyKey: string; amount: string | null; currency: string | null }>;
      counts: { requests: { dropped: number } };
    };
    expect(ledger.counts.requests.dropped).toBe(0);
    const remedies = ledger.requests.filter((r) => ['refund', 'coupon', 'reship'].includes(r.route));
    expect(executionProblems(approved, remedies)).toEqual([]);
    // What was paid is what was decided.
    const wrongAmounts = ledger.payouts
      .filter((p) => p.amount !== null)
      .map((p) => ({ key: p.idempotencyKey, paid: `${Math.round(Number(p.amount) * 100)} ${p.currency}`, row: rows.find((r) => r.execution_key === p.idempotencyKey) }))
      .filter(({ paid, row }) => row === undefined || paid !== `${row.amount_minor} ${row.currency.trim()}`);
    expect(wrongAmounts).toEqual([]);
  });

  it('sets the estimated delivery date, from the carrier, on every parcel whose carrier publishes one', async () => {
    // From the journeys the sandbox was asked for: a carrier that publishes an estimate shows it
    // once it has scanned the parcel (17TRACK's time_metrics window, polled and pushed).
    const monthEnd = Math.max(...stepTimes());
    const publishing = plan.filter(
      (p) => p.provider === '17track' && p.journey.carrierEstimate !== null && p.journey.events.some((e) => e.kind === 'picked_up' && Date.parse(e.occurredAt) <= monthEnd),
    );
    expect(publishing.length).toBeGreaterThan(0);
    const rows = await stack.db
      .selectFrom('shipments')
      .select(['order_id', 'estimated_delivery_at', 'estimated_delivery_source'])
      .where('order_id', 'in', publishing.map((p) => p.orderId))
      .execute();
    const wrong = rows.filter((r) => r.estimated_delivery_at === null || r.estimated_delivery_source !== 'carrier').map((r) => `${r.order_id} ${r.estimated_delivery_source ?? 'none'}`);
    expect({ checked: rows.length, wrong }).toEqual({ checked: publishing.length, wrong: [] });
  });

  it('ran the month in the time a CI job allows', () => {
    expect(wallSeconds).toBeLessThan(360);
  });

  async function seenDecisions(): Promise<SeenDecision[]> {
    const policy = readPolicy();
    const response = await fetch(`${stack.api.url()}/compensations?merchantId=${seller.merchantId}&limit=500`, { headers: { authorization: `Bearer ${seller.managerKey}` } });
    const { items } = (await response.json()) as { items: Array<{ id: string; tier: number; action: string; addOns: string[]; approval: SeenDecision['approval']; channel: SeenDecision['channel']; status: string }> };
    const rows = await stack.db
      .selectFrom('compensations')
      .innerJoin('shipments', 'shipments.id', 'compensations.shipment_id')
      .select(['compensations.id', 'shipments.order_id', 'compensations.trigger_kind'])
      .execute();
    return items.map((item) => {
      const row = rows.find((r) => r.id === item.id)!;
      const parcel = byOrder.get(row.order_id)!;
      return { ...item, orderId: row.order_id, trigger: row.trigger_kind, orderBaseMinor: toBaseMinor(policy, parcel.orderValue) };
    });
  }
});
