/* eslint-disable @typescript-eslint/no-explicit-any -- policy drafts are edited loosely on purpose */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createLogger } from '@parcelwatch/logger';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { DEFAULT_POLICY_PATH, loadPolicyStore, PolicyError } from '../src/policy-store.js';
import { parsePolicy } from '../src/policy.schema.js';

const logger = createLogger({ name: 'policy-test', level: 'silent' });

async function shippedPolicy(): Promise<Record<string, any>> {
  return parseYaml(await readFile(DEFAULT_POLICY_PATH, 'utf8')) as Record<string, any>;
}

describe('compensation policy file', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'policy-'));
    file = path.join(dir, 'policy.yaml');
    await writeFile(file, await readFile(DEFAULT_POLICY_PATH, 'utf8'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('parses the shipped policy: ARCHITECTURE.md tiers, approval thresholds and rates', async () => {
    const parsed = parsePolicy(await shippedPolicy());
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const { policy } = parsed;
    expect(policy.version).toBe('2026-12-07.1');
    expect(policy.tier1Coupon).toEqual({ amountMinor: 500, currency: 'USD' });
    expect(policy.fastChannelBelow).toEqual({ amountMinor: 3000, currency: 'USD' });
    expect(policy.supervisorUpTo).toEqual({ amountMinor: 10000, currency: 'USD' });
    expect(policy.greenMinLifetimeSpend).toEqual({ amountMinor: 50000, currency: 'USD' });
    expect([policy.tiers.tier1.minDaysLate, policy.tiers.tier2.minDaysLate]).toEqual([3, 14]);
    expect(policy.rates.rates.EUR).toBe('0.92');
  });

  it('reports every bad key of a file at once', async () => {
    const raw = await shippedPolicy();
    raw['tiers']['tier2']['refundPercent'] = 70;
    raw['tiers']['tier1']['couponAmont'] = '5.00';
    raw['baseCurrency'] = 'XXY';
    raw['approval']['supervisorUpTo'] = 'a hundred';
    delete raw['version'];
    const parsed = parsePolicy(raw);
    expect(parsed.ok).toBe(false);
    const errors = parsed.ok ? [] : parsed.errors;
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tiers\.tier2\.refundPercent: ARCHITECTURE\.md allows 20 to 50 %/),
        expect.stringMatching(/^tiers\.tier1: Unrecognized key: "couponAmont"/),
        expect.stringMatching(/^baseCurrency: /),
        expect.stringMatching(/^approval\.supervisorUpTo: must be a decimal amount/),
        expect.stringMatching(/^version: /),
      ]),
    );
  });

  it('refuses inconsistent thresholds', () => {
    return shippedPolicy().then((raw) => {
      raw['approval']['supervisorUpTo'] = '20.00';
      raw['tiers']['tier2']['minDaysLate'] = 3;
      const parsed = parsePolicy(raw);
      expect(parsed.ok ? [] : parsed.errors).toEqual([
        'approval.supervisorUpTo: must not be below approval.fastChannelBelow',
        'tiers.tier2.minDaysLate: must be above tiers.tier1.minDaysLate',
      ]);
    });
  });

  it('reloads a valid new version without a restart', async () => {
    const store = await loadPolicyStore(file, logger);
    const raw = await shippedPolicy();
    raw['version'] = '2026-11-24.1';
    raw['tiers']['tier1']['couponAmount'] = '7.50';
    await writeFile(file, stringifyYaml(raw));
    expect(await store.reload()).toEqual({ outcome: 'loaded', version: '2026-11-24.1' });
    expect(store.current().tier1Coupon).toEqual({ amountMinor: 750, currency: 'USD' });
    expect(await store.reload()).toEqual({ outcome: 'unchanged', version: '2026-11-24.1' });
  });

  it('keeps the previous policy when the new file is invalid, and says why', async () => {
    const store = await loadPolicyStore(file, logger);
    const raw = await shippedPolicy();
    raw['version'] = '2026-11-24.2';
    raw['tiers']['tier2']['refundPercent'] = 10;
    await writeFile(file, stringifyYaml(raw));
    const outcome = await store.reload();
    expect(outcome).toMatchObject({ outcome: 'refused', version: '2026-12-07.1' });
    expect(outcome.outcome === 'refused' ? outcome.errors : []).toEqual(['tiers.tier2.refundPercent: ARCHITECTURE.md allows 20 to 50 %']);
    expect(store.current().version).toBe('2026-12-07.1');
    await writeFile(file, 'version: [unclosed');
    expect(await store.reload()).toMatchObject({ outcome: 'refused', version: '2026-12-07.1' });
  });

  it('refuses an edit that keeps the old version: decisions must name what they followed', async () => {
    const store = await loadPolicyStore(file, logger);
    const raw = await shippedPolicy();
    raw['tiers']['tier1']['couponAmount'] = '9.00';
    await writeFile(file, stringifyYaml(raw));
    expect(await store.reload()).toMatchObject({ outcome: 'refused', errors: ['version: still "2026-12-07.1"; change it with every edit'] });
    expect(store.current().tier1Coupon.amountMinor).toBe(500);
  });

  it('picks up a changed file while watching', async () => {
    const store = await loadPolicyStore(file, logger);
    store.watch(20);
    try {
      const raw = await shippedPolicy();
      raw['version'] = '2026-11-25.1';
      await writeFile(file, stringifyYaml(raw));
      const deadline = Date.now() + 20_000;
      while (store.current().version !== '2026-11-25.1' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(store.current().version).toBe('2026-11-25.1');
    } finally {
      store.close();
    }
  });

  it('refuses to start on an invalid file, listing the problems', async () => {
    await writeFile(file, stringifyYaml({ version: 'x', baseCurrency: 'USD' }));
    await expect(loadPolicyStore(file, logger)).rejects.toThrow(PolicyError);
    await expect(loadPolicyStore(file, logger)).rejects.toThrow(/tiers: .*\n\s+approval: /s);
  });
});
