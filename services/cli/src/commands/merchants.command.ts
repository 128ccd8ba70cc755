import {
  apiKeyView,
  createMerchant,
  describeProblems,
  listMerchantsInScope,
  MerchantOnboardingError,
  merchantView,
  parseMerchantCreate,
  parseMerchantPatch,
  updateMerchant,
  type MerchantView,
  type ProfileParse,
} from '@parcelwatch/api';
import { systemClock } from '@parcelwatch/service-kit';
import { UsageError } from './carriers.command.js';
import { CLI_ACTOR, formatTable, withDb, type Output } from './command-db.js';
import { UUID } from './keys.command.js';

/*
 * `parcelwatch merchants create|list|update` on DATABASE_URL (or the embedded PGlite): the api's
 * onboarding schema and code (services/api/src/merchants), so the command refuses and accepts
 * exactly what POST/PATCH /v1/merchants do, audited as actor `cli`. `create` prints the
 * merchant's first admin key once.
 */

/** The command's flags, as parseArgs reads them. */
export interface MerchantFlags {
  name?: string | undefined;
  'support-email'?: string | undefined;
  locale?: string | undefined;
  'time-zone'?: string | undefined;
  'sender-name'?: string | undefined;
  'sender-email'?: string | undefined;
  /** "21:00-08:00", or "off". */
  'quiet-hours'?: string | undefined;
  'shop-id'?: string | undefined;
  'shop-cipher'?: string | undefined;
  'policy-version'?: string | undefined;
  /** Fields `update` sets back to their default: sender-name, sender-email, shop, policy-version. */
  clear?: string | undefined;
}

export const MERCHANT_FLAG_OPTIONS = {
  name: { type: 'string' },
  'support-email': { type: 'string' },
  locale: { type: 'string' },
  'time-zone': { type: 'string' },
  'sender-name': { type: 'string' },
  'sender-email': { type: 'string' },
  'quiet-hours': { type: 'string' },
  'shop-id': { type: 'string' },
  'shop-cipher': { type: 'string' },
  'policy-version': { type: 'string' },
  clear: { type: 'string' },
} as const;

/** A field of the api's profile, named by the flag that sets it. */
const FLAG_OF: Record<string, string> = {
  name: '--name',
  supportEmail: '--support-email',
  defaultLocale: '--locale',
  timeZone: '--time-zone',
  'sender.name': '--sender-name',
  'sender.email': '--sender-email',
  quietHours: '--quiet-hours',
  'quietHours.start': '--quiet-hours',
  'quietHours.end': '--quiet-hours',
  marketplaceShop: '--shop-id/--shop-cipher',
  'marketplaceShop.shopId': '--shop-id',
  'marketplaceShop.cipher': '--shop-cipher',
  compensationPolicyVersion: '--policy-version',
};
const CLEARABLE = ['sender-name', 'sender-email', 'shop', 'policy-version'] as const;

function quietHoursOf(value: string): { start: string; end: string } | null | string {
  if (value === 'off') return null;
  const match = /^([^-]+)-([^-]+)$/.exec(value);
  // Not HH:mm-HH:mm: handed on as is, so the schema's message names the flag.
  return match === null ? value : { start: match[1]!, end: match[2]! };
}

/** The request body the flags describe; only the flags given. */
function bodyOf(flags: MerchantFlags, clear: readonly string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (flags.name !== undefined) body['name'] = flags.name;
  if (flags['support-email'] !== undefined) body['supportEmail'] = flags['support-email'];
  if (flags.locale !== undefined) body['defaultLocale'] = flags.locale;
  if (flags['time-zone'] !== undefined) body['timeZone'] = flags['time-zone'];
  const sender: Record<string, unknown> = {};
  if (flags['sender-name'] !== undefined) sender['name'] = flags['sender-name'];
  if (flags['sender-email'] !== undefined) sender['email'] = flags['sender-email'];
  if (clear.includes('sender-name')) sender['name'] = null;
  if (clear.includes('sender-email')) sender['email'] = null;
  if (Object.keys(sender).length > 0) body['sender'] = sender;
  if (flags['quiet-hours'] !== undefined) body['quietHours'] = quietHoursOf(flags['quiet-hours']);
  if (flags['shop-id'] !== undefined || flags['shop-cipher'] !== undefined) body['marketplaceShop'] = { shopId: flags['shop-id'], cipher: flags['shop-cipher'] };
  if (clear.includes('shop')) body['marketplaceShop'] = null;
  if (flags['policy-version'] !== undefined) body['compensationPolicyVersion'] = flags['policy-version'];
  if (clear.includes('policy-version')) body['compensationPolicyVersion'] = null;
  return body;
}

function parsed<T>(result: ProfileParse<T>, command: string): T {
  if (result.ok) return result.value;
  const problems = result.problems.map((p) => ({ field: FLAG_OF[p.field] ?? p.field, message: p.field === 'quietHours' && p.message.startsWith('Invalid input') ? 'must be HH:mm-HH:mm (24 h) or off' : p.message }));
  throw new UsageError(`merchants ${command}: ${describeProblems(problems)}`);
}

function clearList(value: string | undefined): string[] {
  const fields = (value ?? '').split(',').map((field) => field.trim()).filter((field) => field !== '');
  const unknown = fields.filter((field) => !(CLEARABLE as readonly string[]).includes(field));
  if (unknown.length > 0) throw new UsageError(`--clear takes ${CLEARABLE.join(', ')}; got ${unknown.join(', ')}`);
  return fields;
}

function describe(view: MerchantView): string {
  const quiet = view.quietHours === null ? 'off' : `${view.quietHours.start}-${view.quietHours.end}`;
  const shop = view.marketplaceShop === null ? 'none' : view.marketplaceShop.shopId;
  return `${view.id} ${view.name}: locale ${view.defaultLocale}, zone ${view.timeZone}, quiet hours ${quiet}, shop ${shop}, policy ${view.compensationPolicyVersion ?? '-'}`;
}

export async function merchantsCreateCommand(flags: MerchantFlags, out: Output = process.stdout): Promise<number> {
  if (flags.clear !== undefined) throw new UsageError('--clear is for merchants update');
  const profile = parsed(parseMerchantCreate(bodyOf(flags, [])), 'create');
  return withDb(async (db) => {
    try {
      const onboarded = await createMerchant({ db, clock: systemClock }, { profile, actor: CLI_ACTOR, adminKey: true });
      const key = onboarded.adminKey!;
      const view = apiKeyView(key.row);
      out.write(`created merchant ${describe(merchantView(onboarded.merchant))}\n`);
      out.write(`admin key ${view.id} (prefix ${view.prefix}) for it:\n${key.key}\n`);
      out.write('store it now: it is not shown again (only its hash is kept)\n');
      return 0;
    } catch (err) {
      if (err instanceof MerchantOnboardingError) throw new UsageError(err.message);
      throw err;
    }
  });
}

export async function merchantsListCommand(out: Output = process.stdout): Promise<number> {
  return withDb(async (db) => {
    const views = (await listMerchantsInScope({ db, clock: systemClock }, null)).map(merchantView);
    const lines = [['id', 'name', 'locale', 'time zone', 'quiet hours', 'shop', 'policy', 'created']];
    for (const view of views) {
      const quiet = view.quietHours === null ? 'off' : `${view.quietHours.start}-${view.quietHours.end}`;
      lines.push([view.id, view.name, view.defaultLocale, view.timeZone, quiet, view.marketplaceShop?.shopId ?? '-', view.compensationPolicyVersion ?? '-', view.createdAt]);
    }
    out.write(formatTable(lines));
    return 0;
  });
}

export async function merchantsUpdateCommand(id: string | undefined, flags: MerchantFlags, out: Output = process.stdout): Promise<number> {
  if (id === undefined || !UUID.test(id)) throw new UsageError(`merchants update needs a merchant id (a lowercase UUID)${id === undefined ? '' : `, got '${id}'`}`);
  const patch = parsed(parseMerchantPatch(bodyOf(flags, clearList(flags.clear))), 'update');
  return withDb(async (db) => {
    try {
      const row = await updateMerchant({ db, clock: systemClock }, { id, patch, scope: null, actor: CLI_ACTOR });
      if (row === undefined) throw new UsageError(`no merchant ${id}`);
      out.write(`updated merchant ${describe(merchantView(row))}\n`);
      return 0;
    } catch (err) {
      if (err instanceof MerchantOnboardingError) throw new UsageError(err.message);
      throw err;
    }
  });
}
