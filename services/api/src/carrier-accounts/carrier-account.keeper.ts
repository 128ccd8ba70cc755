import { carrierAccountSealContext, credentialsHint, isAccountProvider, type CarrierCredentials } from '@parcelwatch/carriers';
import {
  appendAudit,
  claimAccountsSealedUnderOtherKeys,
  deleteCarrierAccount,
  findExistingMerchantIds,
  listCarrierAccounts,
  resealCarrierAccount,
  upsertCarrierAccount,
  wakeShipmentsWaitingForAccount,
  type CarrierAccountView,
  type Database,
} from '@parcelwatch/db';
import type { SecretBox } from '@parcelwatch/secrets';
import type { Clock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';

/*
 * Merchants' carrier accounts: stored sealed under PARCELWATCH_SECRET_KEY, audited in the same
 * transaction (provider and masked hint only), never read back in the clear by the api.
 */
export interface CarrierAccountDeps {
  db: Kysely<Database>;
  clock: Clock;
  /** Null when PARCELWATCH_SECRET_KEY is not configured: nothing can be stored. */
  secrets: SecretBox | null;
}

export class CarrierAccountError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: 'secret_key_missing' | 'unknown_merchant',
    message: string,
  ) {
    super(message);
    this.name = 'CarrierAccountError';
  }
}

/** `currentKeyId`: the configured key's id; during a rotation the list shows which accounts are not resealed yet. */
export function carrierAccountView(row: CarrierAccountView, currentKeyId: string | null) {
  return {
    merchantId: row.merchant_id,
    provider: row.provider,
    hint: row.hint,
    sealedUnderCurrentKey: row.key_id === currentKeyId,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    quota: row.quota === null ? null : { ...row.quota, checkedAt: row.quota_checked_at?.toISOString() ?? null },
  };
}

const targetId = (merchantId: string, provider: string) => `${merchantId}:${provider}`;

/** Creates or replaces the merchant's account for the credentials' provider. */
export async function storeCarrierAccount(
  deps: CarrierAccountDeps,
  input: { merchantId: string; credentials: CarrierCredentials; actor: string; noKeyMessage: string },
): Promise<{ view: CarrierAccountView; created: boolean }> {
  const box = deps.secrets;
  if (box === null) throw new CarrierAccountError('secret_key_missing', input.noKeyMessage);
  const { merchantId, credentials } = input;
  const provider = credentials.provider;
  const sealed = box.seal(JSON.stringify(credentials), carrierAccountSealContext(merchantId, provider));
  const hint = credentialsHint(credentials);
  return deps.db.transaction().execute(async (trx) => {
    if (!(await findExistingMerchantIds(trx, [merchantId])).has(merchantId)) throw new CarrierAccountError('unknown_merchant', `no merchant ${merchantId}`);
    const at = deps.clock.now().toJSDate();
    const stored = await upsertCarrierAccount(trx, { merchantId, provider, credentialsSealed: sealed, keyId: box.keyId, hint, at });
    const woken = await wakeShipmentsWaitingForAccount(trx, merchantId, provider, at);
    await appendAudit(trx, {
      at,
      actor: input.actor,
      action: stored.created ? 'carrier_account.created' : 'carrier_account.replaced',
      targetType: 'carrier_account',
      targetId: targetId(merchantId, provider),
      merchantId,
      details: { provider, hint, keyId: box.keyId, shipmentsWoken: woken },
    });
    return stored;
  });
}

export const listAccounts = (deps: Pick<CarrierAccountDeps, 'db'>, scope: readonly string[] | null) => listCarrierAccounts(deps.db, scope);

export async function removeCarrierAccount(deps: Pick<CarrierAccountDeps, 'db' | 'clock'>, input: { merchantId: string; provider: string; actor: string }): Promise<CarrierAccountView | undefined> {
  return deps.db.transaction().execute(async (trx) => {
    const removed = await deleteCarrierAccount(trx, input.merchantId, input.provider);
    if (removed === undefined) return undefined;
    await appendAudit(trx, {
      at: deps.clock.now().toJSDate(),
      actor: input.actor,
      action: 'carrier_account.deleted',
      targetType: 'carrier_account',
      targetId: targetId(input.merchantId, input.provider),
      merchantId: input.merchantId,
      details: { provider: input.provider, hint: removed.hint },
    });
    return removed;
  });
}

/**
 * One round of a key rotation: accounts sealed under another key (the previous one) are opened
 * and sealed again under the current key. A value no configured key opens is left as it is and
 * counted: the seller has to enter that account again.
 */
export async function resealCarrierAccounts(deps: CarrierAccountDeps, limit = 200): Promise<{ resealed: number; unreadable: number }> {
  const box = deps.secrets;
  if (box === null) return { resealed: 0, unreadable: 0 };
  return deps.db.transaction().execute(async (trx) => {
    let resealed = 0;
    let unreadable = 0;
    const at = deps.clock.now().toJSDate();
    for (const row of await claimAccountsSealedUnderOtherKeys(trx, box.keyId, limit)) {
      if (!isAccountProvider(row.provider)) continue;
      const context = carrierAccountSealContext(row.merchant_id, row.provider);
      let plaintext: string;
      try {
        plaintext = box.open(row.credentials_sealed, context);
      } catch {
        unreadable += 1;
        continue;
      }
      await resealCarrierAccount(trx, { merchantId: row.merchant_id, provider: row.provider, credentialsSealed: box.seal(plaintext, context), keyId: box.keyId });
      await appendAudit(trx, {
        at,
        actor: 'system:reseal',
        action: 'carrier_account.resealed',
        targetType: 'carrier_account',
        targetId: targetId(row.merchant_id, row.provider),
        merchantId: row.merchant_id,
        details: { provider: row.provider, fromKeyId: row.key_id, toKeyId: box.keyId },
      });
      resealed += 1;
    }
    return { resealed, unreadable };
  });
}
