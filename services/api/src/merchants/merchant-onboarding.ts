import type { Kysely, Transaction } from 'kysely';
import { brandingOf, newId, notificationSettingsSchema, type MerchantBranding, type NotificationSettings } from '@parcelwatch/contracts';
import { appendAudit, findMerchant, findMerchantIdByShop, insertMerchant, listMerchants, updateMerchantProfile, type Database, type MerchantProfileRecord, type MerchantRecord } from '@parcelwatch/db';
import type { Clock } from '@parcelwatch/service-kit';
import { issueApiKeyIn, type IssuedApiKey } from '../access/api-key-admin.js';
import type { MerchantCreate, MerchantPatch } from './merchant-profile.schema.js';

/*
 * Merchant onboarding, shared by the api's /v1/merchants routes, `parcelwatch merchants` and the
 * demo. A merchant is created with its first admin API key in one transaction, and every change
 * is audited in the transaction that makes it. Audit details name the fields changed, never their
 * values (support and sender addresses stay out of the log).
 */
export interface MerchantOnboardingDeps {
  db: Kysely<Database>;
  clock: Clock;
}

export class MerchantOnboardingError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: 'shop_taken',
    message: string,
  ) {
    super(message);
    this.name = 'MerchantOnboardingError';
  }
}

/** Sender identity and quiet hours live in settings.notifications, where the notifier reads them. */
type NotificationsPart = Partial<Pick<NotificationSettings, 'senderName' | 'fromAddress'>> & { quietHours?: NotificationSettings['quietHours'] };

function notificationsOf(settings: Record<string, unknown>): Record<string, unknown> {
  const notifications = settings['notifications'];
  return typeof notifications === 'object' && notifications !== null && !Array.isArray(notifications) ? { ...(notifications as Record<string, unknown>) } : {};
}

/** The settings with the profile's notification fields set (undefined: unchanged; null: back to the default). */
function withNotifications(settings: Record<string, unknown>, part: { senderName?: string | null; fromAddress?: string | null; quietHours?: NotificationsPart['quietHours'] | undefined }): Record<string, unknown> {
  const notifications = notificationsOf(settings);
  for (const key of ['senderName', 'fromAddress'] as const) {
    const value = part[key];
    if (value === null) delete notifications[key];
    else if (value !== undefined) notifications[key] = value;
  }
  if (part.quietHours !== undefined) notifications['quietHours'] = part.quietHours;
  return { ...settings, notifications };
}

/** The settings with the given branding fields merged over the stored ones (null clears a field). */
function withBranding(settings: Record<string, unknown>, branding: MerchantBranding | undefined): Record<string, unknown> {
  if (branding === undefined) return settings;
  const merged = Object.fromEntries(Object.entries({ ...brandingOf(settings), ...branding }).filter(([, value]) => value !== null && value !== undefined));
  return { ...settings, branding: merged };
}

export function merchantView(row: MerchantRecord) {
  const parsed = notificationSettingsSchema.safeParse(notificationsOf(row.settings));
  const notifications = parsed.success ? parsed.data : notificationSettingsSchema.parse({});
  return {
    id: row.id,
    name: row.name,
    supportEmail: row.support_email,
    sender: { name: notifications.senderName ?? null, email: notifications.fromAddress ?? null },
    defaultLocale: row.default_locale,
    timeZone: row.default_timezone,
    /** As the notifier applies it: the default 21:00-08:00 unless set; null when off. */
    quietHours: notifications.quietHours,
    marketplaceShop: row.marketplace_shop_id === null ? null : { shopId: row.marketplace_shop_id, cipher: row.marketplace_shop_cipher },
    compensationPolicyVersion: row.compensation_policy_version,
    branding: { logoUrl: null, primaryColor: null, accentColor: null, ...brandingOf(row.settings) },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at?.toISOString() ?? null,
  };
}
export type MerchantView = ReturnType<typeof merchantView>;

export interface OnboardedMerchant {
  merchant: MerchantRecord;
  /** False when `id` was given and that merchant existed already (nothing was changed). */
  created: boolean;
  /** The merchant's first admin key, shown once; null when none was asked for or nothing was created. */
  adminKey: IssuedApiKey | null;
}

/**
 * Creates a merchant; with `adminKey`, also its first admin API key (scoped to it alone). `id`
 * is for callers that own a fixed id (the demo): repeating them changes nothing.
 */
export async function createMerchant(
  deps: MerchantOnboardingDeps,
  input: { profile: MerchantCreate; actor: string; adminKey: boolean; id?: string },
): Promise<OnboardedMerchant> {
  const { profile } = input;
  return shopConflictAsError(profile.marketplaceShop?.shopId, () => deps.db.transaction().execute(async (trx) => {
    const at = deps.clock.now().toJSDate();
    const id = input.id ?? newId(at.getTime());
    if (input.id !== undefined) {
      const existing = await findMerchant(trx, id);
      if (existing !== undefined) return { merchant: existing, created: false, adminKey: null };
    }
    await refuseTakenShop(trx, profile.marketplaceShop?.shopId ?? null, id);
    const record: MerchantProfileRecord = {
      name: profile.name,
      supportEmail: profile.supportEmail,
      defaultLocale: profile.defaultLocale,
      defaultTimezone: profile.timeZone,
      settings: withBranding(withNotifications({}, { senderName: profile.sender?.name, fromAddress: profile.sender?.email, quietHours: profile.quietHours }), profile.branding),
      marketplaceShopId: profile.marketplaceShop?.shopId ?? null,
      marketplaceShopCipher: profile.marketplaceShop?.cipher ?? null,
      compensationPolicyVersion: profile.compensationPolicyVersion ?? null,
    };
    const merchant = await insertMerchant(trx, { id, createdAt: at, ...record });
    if (merchant === undefined) throw new Error(`merchant ${id} appeared while it was being created`);
    await appendAudit(trx, {
      at,
      actor: input.actor,
      action: 'merchant.created',
      targetType: 'merchant',
      targetId: id,
      merchantId: id,
      details: { name: merchant.name, fields: Object.keys(profile).sort() },
    });
    const adminKey = input.adminKey ? await issueApiKeyIn(trx, deps.clock, { name: `${merchant.name} admin`.slice(0, 200), role: 'admin', merchantIds: [id], actor: input.actor }) : null;
    return { merchant, created: true, adminKey };
  }));
}

/** Applies a profile change to a merchant within `scope` (null: any). Undefined when there is no such merchant in scope. */
export async function updateMerchant(
  deps: MerchantOnboardingDeps,
  input: { id: string; patch: MerchantPatch; scope: readonly string[] | null; actor: string },
): Promise<MerchantRecord | undefined> {
  if (input.scope !== null && !input.scope.includes(input.id)) return undefined;
  const { patch } = input;
  return shopConflictAsError(patch.marketplaceShop?.shopId, () => deps.db.transaction().execute(async (trx) => {
    const existing = await findMerchant(trx, input.id, { forUpdate: true });
    if (existing === undefined) return undefined;
    if (patch.marketplaceShop !== undefined && patch.marketplaceShop !== null) await refuseTakenShop(trx, patch.marketplaceShop.shopId, input.id);
    const shop = patch.marketplaceShop === undefined ? { shopId: existing.marketplace_shop_id, cipher: existing.marketplace_shop_cipher } : patch.marketplaceShop;
    const record: MerchantProfileRecord = {
      name: patch.name ?? existing.name,
      supportEmail: patch.supportEmail ?? existing.support_email,
      defaultLocale: patch.defaultLocale ?? existing.default_locale,
      defaultTimezone: patch.timeZone ?? existing.default_timezone,
      settings: withBranding(withNotifications(existing.settings, { senderName: patch.sender?.name, fromAddress: patch.sender?.email, quietHours: patch.quietHours }), patch.branding),
      marketplaceShopId: shop?.shopId ?? null,
      marketplaceShopCipher: shop?.cipher ?? null,
      compensationPolicyVersion: patch.compensationPolicyVersion === undefined ? existing.compensation_policy_version : patch.compensationPolicyVersion,
    };
    const at = deps.clock.now().toJSDate();
    const updated = await updateMerchantProfile(trx, input.id, record, at);
    await appendAudit(trx, {
      at,
      actor: input.actor,
      action: 'merchant.updated',
      targetType: 'merchant',
      targetId: input.id,
      merchantId: input.id,
      details: { fields: Object.keys(patch).sort() },
    });
    return updated;
  }));
}

/** A merchant within `scope` (null: any), or undefined. */
export async function findMerchantInScope(deps: MerchantOnboardingDeps, id: string, scope: readonly string[] | null): Promise<MerchantRecord | undefined> {
  if (scope !== null && !scope.includes(id)) return undefined;
  return findMerchant(deps.db, id);
}

export const listMerchantsInScope = (deps: MerchantOnboardingDeps, scope: readonly string[] | null): Promise<MerchantRecord[]> => listMerchants(deps.db, { merchantIds: scope });

async function refuseTakenShop(trx: Transaction<Database>, shopId: string | null, merchantId: string): Promise<void> {
  if (shopId === null) return;
  const holder = await findMerchantIdByShop(trx, shopId);
  if (holder !== undefined && holder !== merchantId) throw new MerchantOnboardingError('shop_taken', `marketplaceShop.shopId: shop ${shopId} belongs to another merchant`);
}

/** Two merchants claiming one shop at once: the unique index refuses the second, which then reads as shop_taken. */
async function shopConflictAsError<T>(shopId: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const constraint = (err as { constraint?: unknown }).constraint;
    if (shopId !== undefined && (err as { code?: unknown }).code === '23505' && (constraint === undefined || constraint === 'merchants_marketplace_shop_key')) {
      throw new MerchantOnboardingError('shop_taken', `marketplaceShop.shopId: shop ${shopId} belongs to another merchant`);
    }
    throw err;
  }
}
