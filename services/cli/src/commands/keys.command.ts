import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { ApiKeyAdminError, apiKeyView, generateApiKey, hashApiKey, issueApiKey, listKeys, revokeKey } from '@parcelwatch/api';
import { newId } from '@parcelwatch/contracts';
import { appendAudit, findActiveApiKeyByHash, insertApiKey, listMerchantIds, setApiKeyMerchants, type Database } from '@parcelwatch/db';
import { systemClock, type Clock } from '@parcelwatch/service-kit';
import { UsageError } from './carriers.command.js';
import { CLI_ACTOR, formatTable, withDb, type Output } from './command-db.js';

/*
 * `parcelwatch keys create|list|revoke` on DATABASE_URL (or the embedded PGlite), and the
 * bootstrap admin key `parcelwatch start` keeps in ./data/admin-key. A key is printed once, when
 * it is created, and never logged; the database holds only its SHA-256.
 */

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function merchantList(value: string | undefined): string[] {
  const ids = (value ?? '').split(',').map((id) => id.trim()).filter((id) => id !== '');
  if (ids.length === 0) throw new UsageError('keys create needs --merchant <uuid>[,<uuid>...]');
  const bad = ids.filter((id) => !UUID.test(id));
  if (bad.length > 0) throw new UsageError(`--merchant takes lowercase UUIDs; got ${bad.join(', ')}`);
  return ids;
}

export async function keysCreateCommand(input: { name?: string; role?: string; merchants?: string }, out: Output = process.stdout): Promise<number> {
  if (input.name === undefined || input.name.trim() === '') throw new UsageError('keys create needs --name <name>');
  if (input.role === undefined) throw new UsageError('keys create needs --role <viewer|approver|admin|ingest|bot>');
  const merchantIds = merchantList(input.merchants);
  return withDb(async (db) => {
    try {
      const issued = await issueApiKey({ db, clock: systemClock }, { name: input.name!.trim(), role: input.role!, merchantIds, actor: CLI_ACTOR });
      out.write(`created key ${issued.row.id} (prefix ${issued.row.prefix}, role ${issued.row.role}) for ${merchantIds.join(', ')}\n`);
      out.write(`${issued.key}\n`);
      out.write('store it now: it is not shown again (only its hash is kept)\n');
      return 0;
    } catch (err) {
      if (err instanceof ApiKeyAdminError) throw new UsageError(err.message);
      throw err;
    }
  });
}

export async function keysListCommand(out: Output = process.stdout): Promise<number> {
  return withDb(async (db) => {
    const rows = (await listKeys({ db, clock: systemClock }, null)).map(apiKeyView);
    const lines = [['id', 'prefix', 'role', 'name', 'merchants', 'last used', 'revoked']];
    for (const row of rows) lines.push([row.id, row.prefix, row.role, row.name, row.merchantIds.join(','), row.lastUsedAt ?? '-', row.revokedAt ?? '-']);
    out.write(formatTable(lines));
    return 0;
  });
}

export async function keysRevokeCommand(id: string | undefined, out: Output = process.stdout): Promise<number> {
  if (id === undefined || !UUID.test(id)) throw new UsageError(`keys revoke needs a key id (a lowercase UUID)${id === undefined ? '' : `, got '${id}'`}`);
  return withDb(async (db) => {
    const row = await revokeKey({ db, clock: systemClock }, { id, scope: null, actor: CLI_ACTOR });
    if (row === undefined) throw new UsageError(`no api key ${id}`);
    out.write(`revoked key ${row.id} (prefix ${row.prefix}) at ${row.revoked_at?.toISOString() ?? '?'}\n`);
    return 0;
  });
}

/**
 * The admin key for the one-machine stack: reused from `file` while it is still a live key, else
 * a new one written there (mode 0600). Either way it covers every merchant that exists now.
 * Returns whether a new key was made; the key itself is never returned to be logged.
 */
export async function ensureBootstrapAdminKey(db: Kysely<Database>, clock: Clock, file: string): Promise<{ created: boolean; keyId: string }> {
  const merchants = await listMerchantIds(db);
  const existing = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => null,
  );
  const live = existing === null ? undefined : await findActiveApiKeyByHash(db, hashApiKey(existing));
  if (live !== undefined) {
    await setApiKeyMerchants(db, live.id, merchants);
    return { created: false, keyId: live.id };
  }
  const generated = generateApiKey();
  const id = newId(clock.now().toMillis());
  // Not issueApiKey: this key may start with no merchant (a fresh stack) and follows them later.
  const at = clock.now().toJSDate();
  await db.transaction().execute(async (trx) => {
    await insertApiKey(trx, { id, name: 'bootstrap admin (parcelwatch start)', keyHash: generated.hash, prefix: generated.prefix, role: 'admin', merchantIds: merchants, createdAt: at });
    await appendAudit(trx, { at, actor: 'parcelwatch start', action: 'api_key.created', targetType: 'api_key', targetId: id, merchantId: null, details: { prefix: generated.prefix, role: 'admin', merchantIds: merchants } });
  });
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, `${generated.key}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return { created: true, keyId: id };
}
