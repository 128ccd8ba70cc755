import { carrierAccountSealContext, carrierCredentialsSchema, isAccountProvider, type CarrierCredentials } from '@parcelwatch/carriers';
import { PROVIDERS, type Provider } from '@parcelwatch/contracts';
import { findSealedAccountsOfProvider, findSealedCarrierAccounts, type CarrierAccountRow, type Database, type PollableShipment } from '@parcelwatch/db';
import { SecretOpenError, type SecretBox } from '@parcelwatch/secrets';
import type { Kysely } from 'kysely';
import type { PollerClient, PollerClients } from './poller.clients.js';

/**
 * Which client polls a shipment: the merchant's own account for its provider (kept sealed by the
 * api) first, then the deployment's environment account. Without either the shipment is not
 * polled and carries the problem, so a seller sees why rather than a silent loop.
 */
export type ClientChoice =
  | { ok: true; provider: Provider; client: PollerClient; /** 'environment', or the merchant whose account it is. */ account: string }
  | { ok: false; provider: string; problem: string };

export interface MerchantAccountOptions {
  db: Kysely<Database>;
  /** Opens the sealed credentials; null when the poller has no PARCELWATCH_SECRET_KEY. */
  secrets: SecretBox | null;
  /** The client of one account, at its provider's URL, sharing the process's limiters. */
  createClient: (credentials: CarrierCredentials) => PollerClient;
}

export interface ClientDirectory {
  /** One look-up of the accounts of these shipments' merchants, then a choice per shipment. */
  chooser(shipments: readonly PollableShipment[]): Promise<(shipment: PollableShipment) => ClientChoice>;
  /** Every 17TRACK account this poller can use: the environment's and the merchants' (for quota). */
  seventeenTrackAccounts(): Promise<{ account: string; merchantId: string | null; client: PollerClient }[]>;
  /** The environment's providers, for the start-up log. */
  readonly environmentProviders: string[];
}

export const noAccountProblem = (provider: string) => `no carrier account for ${provider}`;

const isProvider = (value: string): value is Provider => (PROVIDERS as readonly string[]).includes(value);
const CACHE_LIMIT = 10_000;

export function createClientDirectory(environment: PollerClients, merchants: MerchantAccountOptions | null): ClientDirectory {
  // Keyed by the sealed text: a replaced account (or a reseal) is a new entry, an unchanged one keeps its client.
  const opened = new Map<string, { client: PollerClient } | { problem: string }>();

  function open(row: CarrierAccountRow, provider: Provider): { client: PollerClient } | { problem: string } {
    const cached = opened.get(row.credentials_sealed);
    if (cached) return cached;
    const result = openAccount(row, provider);
    if (opened.size >= CACHE_LIMIT) opened.clear();
    opened.set(row.credentials_sealed, result);
    return result;
  }

  function openAccount(row: CarrierAccountRow, provider: Provider): { client: PollerClient } | { problem: string } {
    const cannot = (why: string) => ({ problem: `carrier account for ${provider} cannot be opened: ${why}` });
    if (!merchants || merchants.secrets === null) return cannot('PARCELWATCH_SECRET_KEY is not set on the poller');
    if (!isAccountProvider(provider)) return cannot('not a provider with accounts');
    let text: string;
    try {
      text = merchants.secrets.open(row.credentials_sealed, carrierAccountSealContext(row.merchant_id, provider));
    } catch (err) {
      const reason = err instanceof SecretOpenError ? err.reason : 'unreadable';
      return cannot(reason === 'unknown_key' ? 'sealed under a key the poller does not have (enter it again, or set PARCELWATCH_SECRET_KEY_PREVIOUS)' : `the sealed value is ${reason}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return cannot('the credentials are not JSON');
    }
    const credentials = carrierCredentialsSchema.safeParse(json);
    if (!credentials.success || credentials.data.provider !== provider) return cannot('the credentials do not fit the provider');
    return { client: merchants.createClient(credentials.data) };
  }

  async function merchantRows(merchantIds: readonly string[]): Promise<CarrierAccountRow[]> {
    if (!merchants) return [];
    return findSealedCarrierAccounts(merchants.db, merchantIds);
  }

  return {
    environmentProviders: Object.keys(environment),
    async chooser(shipments) {
      const rows = await merchantRows([...new Set(shipments.map((s) => s.merchantId))]);
      const byAccount = new Map(rows.map((row) => [`${row.merchant_id}:${row.provider}`, row]));
      return (shipment) => {
        const provider = shipment.provider;
        if (!isProvider(provider)) return { ok: false, provider, problem: noAccountProblem(provider) };
        const row = byAccount.get(`${shipment.merchantId}:${provider}`);
        if (row) {
          const account = open(row, provider);
          return 'client' in account ? { ok: true, provider, client: account.client, account: shipment.merchantId } : { ok: false, provider, problem: account.problem };
        }
        const client = environment[provider];
        return client ? { ok: true, provider, client, account: 'environment' } : { ok: false, provider, problem: noAccountProblem(provider) };
      };
    },
    async seventeenTrackAccounts() {
      const accounts: { account: string; merchantId: string | null; client: PollerClient }[] = [];
      if (environment['17track']) accounts.push({ account: 'environment', merchantId: null, client: environment['17track'] });
      if (merchants) {
        const rows = await findSealedAccountsOfProvider(merchants.db, '17track');
        for (const row of rows) {
          const account = open(row, '17track');
          if ('client' in account) accounts.push({ account: row.merchant_id, merchantId: row.merchant_id, client: account.client });
        }
      }
      return accounts;
    },
  };
}

/** Shipments that share one choice: one client (one account), or one problem. */
export function groupByChoice(shipments: readonly PollableShipment[], choose: (shipment: PollableShipment) => ClientChoice): { choice: ClientChoice; shipments: PollableShipment[] }[] {
  const groups = new Map<unknown, { choice: ClientChoice; shipments: PollableShipment[] }>();
  for (const shipment of shipments) {
    const choice = choose(shipment);
    const key = choice.ok ? choice.client : choice.problem;
    const group = groups.get(key) ?? { choice, shipments: [] };
    group.shipments.push(shipment);
    groups.set(key, group);
  }
  return [...groups.values()];
}
