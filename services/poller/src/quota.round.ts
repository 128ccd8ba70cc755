import { recordCarrierQuota } from '@parcelwatch/db';
import type { RoundContext } from './registration.round.js';

/**
 * Reads each 17TRACK account's quota (getquota costs none): a gauge per account and figure, and
 * on the merchant's account row, where GET /v1/carrier-accounts shows it. A registration past the
 * quota is refused by 17TRACK, so a seller must see it run low before parcels go unregistered.
 */
export async function runQuotaRound(ctx: RoundContext): Promise<number> {
  let checked = 0;
  for (const { account, merchantId, client } of await ctx.accounts.seventeenTrackAccounts()) {
    if (!client.quota) continue;
    try {
      const quota = await client.quota({ signal: ctx.signal });
      const figures = { total: quota.quotaTotal, used: quota.quotaUsed, remain: quota.quotaRemain, today_used: quota.todayUsed, max_track_daily: quota.maxTrackDaily };
      for (const [figure, value] of Object.entries(figures)) ctx.metrics.quota.set({ provider: '17track', account, figure }, value);
      if (merchantId !== null) await recordCarrierQuota(ctx.db, merchantId, '17track', figures, ctx.now());
      if (quota.quotaRemain <= quota.quotaTotal * 0.1) ctx.logger.warn({ provider: '17track', account, remain: quota.quotaRemain, total: quota.quotaTotal }, '17TRACK quota is running out: new numbers will be refused once it is spent');
      checked += 1;
    } catch (err) {
      ctx.logger.warn({ err, provider: '17track', account }, 'getquota failed; asked again at the next quota round');
    }
  }
  return checked;
}
