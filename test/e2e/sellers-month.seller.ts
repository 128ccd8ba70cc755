// What the seller and their ops team do during the month, through the api only: register
// parcels as they ship (JSON intake, or a CSV export from their shop), and approve pending
// compensations as an operator would (a supervisor key for supervisor cases, a manager key above).
import type { PlannedParcel } from './sellers-month.plan.js';

interface Keys {
  ingest: string;
  supervisor: string;
  manager: string;
}

const CSV_HEADER = [
  'merchantId',
  'orderId',
  'trackingNumber',
  'provider',
  'originCountry',
  'destinationCountry',
  'promisedDeliveryDate',
  'shippedAt',
  'marketplace',
  'orderValueMinor',
  'orderCurrency',
  'buyerEmail',
  'buyerPhone',
  'buyerLocale',
  'buyerTimezone',
  'buyerCity',
  'buyerCountry',
  'buyerHistorySpendMinor',
  'buyerHistorySpendCurrency',
];

export interface Approval {
  id: string;
  level: string;
  status: number;
}

export class Seller {
  private keys: Keys | undefined;
  private merchant: string | undefined;
  readonly approvals: Approval[] = [];

  get managerKey(): string {
    return this.keys!.manager;
  }

  get merchantId(): string {
    return this.merchant!;
  }

  constructor(private readonly apiUrl: () => string) {}

  /**
   * Onboarding: the operator creates the merchant with the bootstrap key (its first admin key
   * comes back: the after-sales manager's), and that admin issues the shop system's ingest key
   * and the supervisor's approver key.
   */
  async onboard(bootstrapKey: string, shop: { shopId: string; cipher: string }): Promise<void> {
    const created = await this.call<{ merchant: { id: string }; adminKey: { key: string } }>(bootstrapKey, 'POST', '/v1/merchants', {
      name: 'Shenzhen HomeTech',
      supportEmail: 'care@hometech.example',
      defaultLocale: 'en-US',
      timeZone: 'Asia/Shanghai',
      sender: { name: 'HomeTech', email: 'care@hometech.example' },
      marketplaceShop: shop,
    });
    this.merchant = created.merchant.id;
    const manager = created.adminKey.key;
    const issue = async (name: string, role: string) => (await this.call<{ key: string }>(manager, 'POST', '/v1/api-keys', { name, role, merchantIds: [this.merchant] })).key;
    this.keys = { manager, ingest: await issue('shop system', 'ingest'), supervisor: await issue('after-sales supervisor', 'approver') };
  }

  private async call<T>(key: string, method: string, path: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.apiUrl()}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
    const answer = (await response.json()) as T;
    if (response.status !== 201) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  }

  private item(p: PlannedParcel): Record<string, unknown> {
    return {
      merchantId: this.merchantId,
      orderId: p.orderId,
      trackingNumber: p.journey.trackingNumber,
      provider: p.provider,
      originCountry: 'CN',
      destinationCountry: p.journey.destination.country,
      promisedDeliveryDate: p.promisedDeliveryDate,
      shippedAt: p.journey.shippedAt,
      marketplace: 'tiktok_shop',
      orderValue: p.orderValue,
      buyer: {
        email: p.buyer.email,
        ...(p.buyer.phone ? { phone: p.buyer.phone } : {}),
        locale: p.buyer.locale,
        timezone: p.journey.destination.zone,
        address: { line1: '1 Buyer Lane', city: p.journey.destination.city, country: p.journey.destination.country },
        ...(p.buyer.historySpendMinor ? { history: { spend: { amountMinor: p.buyer.historySpendMinor, currency: 'USD' } } } : {}),
      },
    };
  }

  /** Registers what shipped: the api ones as one JSON batch, the CSV ones as one import. */
  async register(parcels: readonly PlannedParcel[]): Promise<void> {
    const viaApi = parcels.filter((p) => p.intake === 'api');
    const viaCsv = parcels.filter((p) => p.intake === 'csv');
    if (viaApi.length > 0) await this.post('/v1/shipments', 'application/json', JSON.stringify({ shipments: viaApi.map((p) => this.item(p)) }), viaApi.length);
    if (viaCsv.length > 0) await this.post('/v1/shipments/import', 'text/csv', this.csv(viaCsv), viaCsv.length);
  }

  private csv(parcels: readonly PlannedParcel[]): string {
    const cell = (value: unknown) => (value === undefined || value === null ? '' : `"${String(value).replace(/"/g, '""')}"`);
    const rows = parcels.map((p) =>
      [
        this.merchantId,
        p.orderId,
        p.journey.trackingNumber,
        p.provider,
        'CN',
        p.journey.destination.country,
        p.promisedDeliveryDate,
        p.journey.shippedAt,
        'tiktok_shop',
        p.orderValue.amountMinor,
        p.orderValue.currency,
        p.buyer.email,
        p.buyer.phone,
        p.buyer.locale,
        p.journey.destination.zone,
        p.journey.destination.city,
        p.journey.destination.country,
        p.buyer.historySpendMinor,
        p.buyer.historySpendMinor === undefined ? undefined : 'USD',
      ]
        .map(cell)
        .join(','),
    );
    return `${CSV_HEADER.join(',')}\n${rows.join('\n')}\n`;
  }

  private async post(path: string, contentType: string, body: string, expected: number): Promise<void> {
    const response = await fetch(`${this.apiUrl()}${path}`, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${this.keys!.ingest}` }, body });
    const answer = (await response.json()) as { summary?: { created: number }; results?: unknown[] };
    if (response.status !== 207 || answer.summary?.created !== expected) throw new Error(`${path} registered ${answer.summary?.created ?? 0} of ${expected}: ${response.status} ${JSON.stringify(answer.results?.slice(0, 3) ?? answer)}`);
  }

  /** The approval queue, worked through: every pending case approved with the evidence at hand. */
  /** Order ids whose claims ops hold (waiting for the carrier's trace): never approved. */
  readonly held = new Set<string>();

  private async orderOf(shipmentId: string): Promise<string> {
    const response = await fetch(`${this.apiUrl()}/v1/shipments/${shipmentId}`, { headers: { authorization: `Bearer ${this.keys!.manager}` } });
    if (response.status !== 200) throw new Error(`shipment ${shipmentId}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { shipment: { orderId: string } }).shipment.orderId;
  }

  async approvePending(): Promise<void> {
    const list = await fetch(`${this.apiUrl()}/compensations?status=pending`, { headers: { authorization: `Bearer ${this.keys!.manager}` } });
    if (list.status !== 200) throw new Error(`approval queue: ${list.status} ${await list.text()}`);
    const { items } = (await list.json()) as { items: Array<{ id: string; approval: string; shipmentId: string }> };
    for (const item of items) {
      if (this.held.size > 0 && this.held.has(await this.orderOf(item.shipmentId))) continue;
      const level = item.approval;
      const key = level === 'supervisor' ? this.keys!.supervisor : this.keys!.manager;
      const response = await fetch(`${this.apiUrl()}/compensations/${item.id}/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ evidence: [`tracking timeline reviewed for compensation ${item.id}`] }),
      });
      await response.arrayBuffer();
      this.approvals.push({ id: item.id, level, status: response.status });
    }
  }
}
