import type { Kysely } from 'kysely';
import {
  createEvent,
  EVENT_TYPES,
  idFromName,
  newId,
  type EventData,
  type MerchantId,
} from '@parcelwatch/contracts';
import {
  enqueueOutbox,
  findMerchantBuyerKeys,
  insertTrackingLinks,
  registerShipments,
  type Database,
  type NewShipmentRegistration,
  type RegisteredShipment,
  transactionWithOutbox,
} from '@parcelwatch/db';
import type { Clock } from '@parcelwatch/service-kit';
import type { SecretBox } from '@parcelwatch/secrets';
import { newTrackingLinks } from '../tracking/tracking-links.js';
import type { BuyerFigures } from './buyer-figures.js';
import { buyerIdentityOf, deriveBuyerId, type BuyerIdentity } from './buyer-identity.js';
import { insertItemBuyers, recordRegisteredBuyers } from './buyer-registration.js';
import { resolveCarrier, type CarrierCandidateView } from './carrier-resolution.js';
import { fieldIssues, shipmentInputSchema, type FieldIssue, type ShipmentInput } from './shipment-input.schema.js';

export type RegistrationSource = 'api' | 'csv';

/** A shipment as the api shows it (the repository's view, already without buyer PII), as JSON. */
export type ShipmentView = Omit<RegisteredShipment, 'createdAt'> & { createdAt: string };

export type ItemErrorCode = 'invalid' | 'carrier_undetected' | 'carrier_ambiguous' | 'unknown_merchant' | 'merchant_not_allowed';

export type ItemResult =
  | { status: 'created' | 'existing'; shipment: ShipmentView }
  | { status: 'error'; code: ItemErrorCode; message: string; issues?: FieldIssue[]; candidates?: CarrierCandidateView[] };

export interface ShipmentRegistrar {
  /**
   * One result per item, in order. Items fail alone; the valid ones are registered in one
   * transaction. `merchantScope` (the caller's merchants; null or absent: any) refuses items for
   * other merchants before anything else is looked up, so a key learns nothing about them.
   */
  register(items: readonly unknown[], source: RegistrationSource, merchantScope?: readonly string[] | null): Promise<ItemResult[]>;
}

export interface ShipmentRegistrarDeps {
  db: Kysely<Database>;
  clock: Clock;
  shipmentsTopic: string;
  /** Seals the buyer tracking page tokens (PARCELWATCH_SECRET_KEY); without it they are kept in clear. */
  secrets?: SecretBox | null;
}

const EVENT_SOURCE = 'parcelwatch/api';

function toView(shipment: RegisteredShipment): ShipmentView {
  return { ...shipment, createdAt: shipment.createdAt.toISOString() };
}

type Prepared = { index: number; input: ShipmentInput; carrier: string; identity: BuyerIdentity | null; buyerId: string | null };

export function createShipmentRegistrar(deps: ShipmentRegistrarDeps): ShipmentRegistrar {
  return {
    async register(items, source, merchantScope = null) {
      const results: (ItemResult | undefined)[] = new Array(items.length);
      const prepared: Prepared[] = [];
      items.forEach((raw, index) => {
        const parsed = shipmentInputSchema.safeParse(raw);
        if (!parsed.success) {
          const issues = fieldIssues(parsed.error);
          results[index] = { status: 'error', code: 'invalid', message: 'invalid shipment', issues };
          return;
        }
        if (merchantScope !== null && !merchantScope.includes(parsed.data.merchantId)) {
          results[index] = { status: 'error', code: 'merchant_not_allowed', message: `merchantId: this API key is not scoped to merchant ${parsed.data.merchantId}` };
          return;
        }
        const resolution = resolveCarrier(parsed.data.trackingNumber, parsed.data.carrier);
        if (!resolution.ok) {
          results[index] = { status: 'error', code: resolution.code, message: resolution.message, candidates: resolution.candidates };
          return;
        }
        prepared.push({ index, input: parsed.data, carrier: resolution.carrier, identity: buyerIdentityOf(parsed.data.buyer), buyerId: null });
      });

      const merchantKeys = await findMerchantBuyerKeys(deps.db, prepared.map((item) => item.input.merchantId));
      const accepted = prepared.flatMap((item) => {
        const key = merchantKeys.get(item.input.merchantId);
        if (key !== undefined) return [{ ...item, buyerId: item.identity === null ? null : deriveBuyerId(key, item.input.merchantId, item.identity) }];
        results[item.index] = { status: 'error', code: 'unknown_merchant', message: `merchantId: unknown merchant ${item.input.merchantId}` };
        return [];
      });

      if (accepted.length > 0) {
        const now = deps.clock.now();
        const rows = accepted.map((item) => toRegistration(item, now.toJSDate()));
        await transactionWithOutbox(deps.db, async (trx) => {
          await insertItemBuyers(trx, accepted);
          const outcome = await registerShipments(trx, rows);
          const buyers = await recordRegisteredBuyers(trx, accepted, outcome, now.toJSDate());
          // Every new shipment gets its buyer tracking page, whichever door it came in by.
          const created = outcome.results.filter((result) => result.created).map((result) => result.shipment);
          await insertTrackingLinks(trx, newTrackingLinks(created, deps.secrets ?? null, now.toJSDate()));
          const messages = outcome.results.flatMap((result, position) => {
            const item = accepted[position];
            if (!result.created || item === undefined) return [];
            const event = registeredEvent(item, result.shipment, buyers[position] ?? null, now.toJSDate().toISOString(), source);
            return [{ topic: deps.shipmentsTopic, key: result.shipment.id, event }];
          });
          await enqueueOutbox(trx, messages);
          outcome.results.forEach((result, position) => {
            const item = accepted[position];
            if (item !== undefined) results[item.index] = { status: result.created ? 'created' : 'existing', shipment: toView(result.shipment) };
          });
        });
      }
      return results.map((result) => result ?? { status: 'error', code: 'invalid', message: 'not processed' });
    },
  };
}

function toRegistration({ input, carrier, buyerId }: Prepared, now: Date): NewShipmentRegistration {
  const buyer = input.buyer;
  const hasContact = buyer !== undefined && Object.values(buyer).some((value) => value !== undefined);
  return {
    id: newId(now.getTime()),
    merchantId: input.merchantId,
    orderId: input.orderId,
    trackingNumber: input.trackingNumber,
    carrier,
    provider: input.provider,
    originCountry: input.originCountry ?? null,
    destinationCountry: input.destinationCountry,
    promisedDeliveryDate: input.promisedDeliveryDate ?? null,
    buyerTimezone: buyer?.timezone ?? 'UTC',
    orderValueMinor: input.orderValue?.amountMinor ?? null,
    orderCurrency: input.orderValue?.currency ?? null,
    // Derived from the natural key, so a repeated registration names the same contact.
    contact: hasContact
      ? {
          id: idFromName('buyer-contact', input.merchantId, input.orderId, input.trackingNumber),
          name: buyer.name ?? null,
          email: buyer.email ?? null,
          phone: buyer.phone ?? null,
          address: buyer.address ?? null,
          locale: buyer.locale ?? null,
          timezone: buyer.timezone ?? null,
        }
      : null,
    buyerId,
    nextPollAt: now,
    registeredAt: now,
  };
}

/** The registration event: the buyer appears only as references (contact and buyer ids), locale, zone and figures. */
function registeredEvent(item: Prepared, shipment: RegisteredShipment, figures: BuyerFigures | null, registeredAt: string, source: RegistrationSource) {
  const { input } = item;
  const data = {
    shipmentId: shipment.id,
    orderRef: shipment.orderId,
    marketplace: input.marketplace ?? null,
    trackingNumber: shipment.trackingNumber,
    carrier: shipment.carrier,
    provider: shipment.provider,
    originCountry: shipment.originCountry,
    destinationCountry: input.destinationCountry,
    buyer: {
      contactId: shipment.buyerContactId,
      buyerId: shipment.buyerId,
      locale: input.buyer?.locale ?? null,
      timeZone: input.buyer?.timezone ?? null,
      lifetimeSpend: figures?.lifetimeSpend ?? null,
      lifetimeSpendByCurrency: figures?.lifetimeSpendByCurrency ?? [],
      orderCount: figures?.orderCount ?? null,
    },
    orderValue: input.orderValue ?? null,
    promisedDeliveryDate: input.promisedDeliveryDate ?? null,
    shippedAt: input.shippedAt ?? null,
    registeredAt,
    registrationSource: source,
  } as unknown as EventData<typeof EVENT_TYPES.shipmentRegistered>;
  return createEvent(EVENT_TYPES.shipmentRegistered, {
    data,
    merchantid: shipment.merchantId as MerchantId,
    source: EVENT_SOURCE,
    // One registration, one event id: a retried transaction cannot announce it twice under two ids.
    id: idFromName('shipment.registered', shipment.id),
    time: registeredAt,
  });
}
