import type { Kysely, Transaction } from 'kysely';
import { newId } from '@parcelwatch/contracts';
import { appendAudit, findApiKey, findExistingMerchantIds, insertApiKey, listApiKeys, revokeApiKey, type ApiKeyView, type Database } from '@parcelwatch/db';
import { type Clock } from '@parcelwatch/service-kit';
import { ROLES, type Role, generateApiKey } from '@parcelwatch/access';

/*
 * Key management shared by the admin routes and the `parcelwatch keys` command. Every change is
 * written to the audit log in the same transaction (never the key, only its prefix).
 */
export class ApiKeyAdminError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: 'unknown_merchant' | 'invalid_role' | 'no_merchants',
    message: string,
  ) {
    super(message);
    this.name = 'ApiKeyAdminError';
  }
}

export function apiKeyView(row: ApiKeyView) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    merchantIds: row.merchant_ids,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

export interface IssuedApiKey {
  /** Shown once; only its SHA-256 is stored. */
  key: string;
  row: ApiKeyView;
}

export interface ApiKeyAdminDeps {
  db: Kysely<Database>;
  clock: Clock;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export async function issueApiKey(
  deps: ApiKeyAdminDeps,
  input: { name: string; role: string; merchantIds: readonly string[]; actor: string },
): Promise<IssuedApiKey> {
  return deps.db.transaction().execute((trx) => issueApiKeyIn(trx, deps.clock, input));
}

/** issueApiKey inside a caller's transaction (merchant onboarding issues the first admin key with the merchant). */
export async function issueApiKeyIn(
  trx: Transaction<Database>,
  clock: Clock,
  input: { name: string; role: string; merchantIds: readonly string[]; actor: string },
): Promise<IssuedApiKey> {
  if (!isRole(input.role)) throw new ApiKeyAdminError('invalid_role', `role must be one of ${ROLES.join(', ')}; got '${input.role}'`);
  const role = input.role;
  const merchantIds = [...new Set(input.merchantIds)];
  if (merchantIds.length === 0) throw new ApiKeyAdminError('no_merchants', 'a key needs at least one merchant');
  const known = await findExistingMerchantIds(trx, merchantIds);
  const unknown = merchantIds.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new ApiKeyAdminError('unknown_merchant', `no merchant ${unknown.join(', ')}`);
  const generated = generateApiKey();
  const at = clock.now().toJSDate();
  const row = await insertApiKey(trx, { id: newId(at.getTime()), name: input.name, keyHash: generated.hash, prefix: generated.prefix, role, merchantIds, createdAt: at });
  for (const merchantId of merchantIds) {
    await appendAudit(trx, {
      at,
      actor: input.actor,
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: row.id,
      merchantId,
      details: { name: row.name, prefix: row.prefix, role, merchantIds },
    });
  }
  return { key: generated.key, row };
}

/** Revokes a key within `scope` (null: any key). Undefined when there is no such key in scope. */
export async function revokeKey(deps: ApiKeyAdminDeps, input: { id: string; scope: readonly string[] | null; actor: string }): Promise<ApiKeyView | undefined> {
  return deps.db.transaction().execute(async (trx) => {
    const existing = await findApiKey(trx, input.id);
    if (existing === undefined || !withinScope(existing, input.scope)) return undefined;
    const at = deps.clock.now().toJSDate();
    const row = await revokeApiKey(trx, input.id, at);
    if (row === undefined) return undefined;
    if (existing.revoked_at === null) {
      for (const merchantId of row.merchant_ids) {
        await appendAudit(trx, { at, actor: input.actor, action: 'api_key.revoked', targetType: 'api_key', targetId: row.id, merchantId, details: { name: row.name, prefix: row.prefix, role: row.role } });
      }
    }
    return row;
  });
}

/** A key is in an admin's scope when every merchant it covers is one of the admin's. */
export function withinScope(row: Pick<ApiKeyView, 'merchant_ids'>, scope: readonly string[] | null): boolean {
  return scope === null || row.merchant_ids.every((id) => scope.includes(id));
}

export async function findKey(deps: ApiKeyAdminDeps, id: string, scope: readonly string[] | null): Promise<ApiKeyView | undefined> {
  const row = await findApiKey(deps.db, id);
  return row !== undefined && withinScope(row, scope) ? row : undefined;
}

export const listKeys = (deps: ApiKeyAdminDeps, scope: readonly string[] | null): Promise<ApiKeyView[]> => listApiKeys(deps.db, { merchantIds: scope });
