import { idFromName } from '@parcelwatch/contracts';
import type { Database } from '@parcelwatch/db';
import { seedShipments } from '@parcelwatch/db/testing';
import type { Kysely } from 'kysely';

/** Merchants, buyers (with the PII only the send step reads) and shipments for notifier tests. */
export interface SeededBuyerShipment {
  name: string;
  shipmentId: string;
  merchantId: string;
  orderId: string;
  trackingNumber: string;
  email: string | null;
  phone: string | null;
}

let sequence = 0;

export async function seedMerchant(db: Kysely<Database>, name: string, settings: Record<string, unknown> = {}): Promise<string> {
  const id = idFromName('test-merchant', name);
  await db.insertInto('merchants').values({ id, name, default_locale: 'en', settings: JSON.stringify(settings) }).execute();
  return id;
}

export async function seedBuyerShipment(
  db: Kysely<Database>,
  input: { name: string; merchantId: string; locale: string; timezone: string; email?: string | null; phone?: string | null; estimatedDeliveryAt?: string; originCountry?: string },
): Promise<SeededBuyerShipment> {
  sequence += 1;
  const contactId = idFromName('test-contact', input.name);
  const shipmentId = idFromName('test-shipment', input.name);
  const email = input.email === undefined ? `${input.name}@buyers.test` : input.email;
  const phone = input.phone === undefined ? `+4915100000${String(sequence).padStart(3, '0')}` : input.phone;
  const orderId = `5764${String(sequence).padStart(8, '0')}`;
  const trackingNumber = `LX${String(sequence).padStart(9, '0')}CN`;
  // Registered as the api registers it (the contact holds the PII), then in transit as the normalizer records it.
  await seedShipments(db, [
    {
      id: shipmentId,
      merchantId: input.merchantId,
      orderId,
      trackingNumber,
      carrier: 'china-post',
      provider: '17track',
      originCountry: input.originCountry ?? 'CN',
      destinationCountry: 'DE',
      buyerTimezone: input.timezone,
      contact: { id: contactId, name: `Buyer ${input.name}`, email, phone, address: null, locale: input.locale, timezone: input.timezone },
      registeredAt: new Date('2026-11-20T00:00:00Z'),
      // The carrier's own estimate, as the normalizer records it.
      tracking: {
        status: 'in_transit',
        estimatedDelivery: input.estimatedDeliveryAt === undefined ? null : { at: input.estimatedDeliveryAt, latestAt: null, source: 'carrier' },
      },
    },
  ]);
  return { name: input.name, shipmentId, merchantId: input.merchantId, orderId, trackingNumber, email, phone };
}

export async function waitFor(description: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
