import { createHash, randomFillSync } from 'node:crypto';
import * as crypto from 'node:crypto';
import { z } from 'zod';
import { COUNTRY_CODES } from './iso-codes.js';

/**
 * Identifiers are canonical lowercase UUID strings (RFC 9562), branded per aggregate so a
 * ShipmentId cannot be passed where an ExceptionId is expected.
 *
 * Why UUID rather than a prefixed ULID: PostgreSQL stores it natively in 16 bytes (`uuid`
 * column), every language parses it, and v7 UUIDs are time-ordered like ULIDs, so new rows
 * land at the right edge of the primary-key index. New ids should be v7 (`newId()`); ids
 * derived from natural keys (dedupe on replay) use `idFromName()` (v5-style, SHA-1).
 *
 * Lowercase is enforced, not just accepted: the shipment id is the Kafka key, and two
 * spellings of one id would hash to different partitions and lose per-shipment ordering.
 */
const LOWERCASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function uuidSchema<const TBrand extends string>(brand: TBrand) {
  return z.string().regex(LOWERCASE_UUID, 'must be a lowercase RFC 9562 UUID').brand<TBrand>().meta({ id: brand });
}

export const shipmentIdSchema = uuidSchema('ShipmentId');
export type ShipmentId = z.infer<typeof shipmentIdSchema>;
export const merchantIdSchema = uuidSchema('MerchantId');
export type MerchantId = z.infer<typeof merchantIdSchema>;
export const checkpointIdSchema = uuidSchema('CheckpointId');
export type CheckpointId = z.infer<typeof checkpointIdSchema>;
export const snapshotIdSchema = uuidSchema('SnapshotId');
export type SnapshotId = z.infer<typeof snapshotIdSchema>;
export const exceptionIdSchema = uuidSchema('ExceptionId');
export type ExceptionId = z.infer<typeof exceptionIdSchema>;
export const notificationIdSchema = uuidSchema('NotificationId');
export type NotificationId = z.infer<typeof notificationIdSchema>;
export const compensationIdSchema = uuidSchema('CompensationId');
export type CompensationId = z.infer<typeof compensationIdSchema>;
export const proofIdSchema = uuidSchema('ProofId');
export type ProofId = z.infer<typeof proofIdSchema>;
/** Reference to the buyer's contact record (email, phone, address live only in the database). */
export const contactIdSchema = uuidSchema('ContactId');
export type ContactId = z.infer<typeof contactIdSchema>;
/**
 * A buyer across a merchant's orders: an HMAC of the normalized email or phone under a key per
 * merchant (UUID version 8 layout). Not PII: it cannot be computed from a guessed email
 * without the merchant's key, and the same person has unrelated ids at two merchants.
 */
export const buyerIdSchema = uuidSchema('BuyerId');
export type BuyerId = z.infer<typeof buyerIdSchema>;

/** ISO 3166-1 alpha-2, upper case. */
export const countryCodeSchema = z.enum(COUNTRY_CODES).meta({ id: 'CountryCode' });
export type CountryCode = z.infer<typeof countryCodeSchema>;

/**
 * Carrier code: a lowercase slug in the style of AfterShip couriers ('usps', 'china-post',
 * 'yunexpress'). Open-ended on purpose: new carriers appear without a contract change.
 */
export const carrierCodeSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'must be a lowercase slug (a-z, 0-9, -), 2 to 40 characters')
  .brand<'CarrierCode'>()
  .meta({ id: 'CarrierCode' });
export type CarrierCode = z.infer<typeof carrierCodeSchema>;

/** The API a snapshot came from: an aggregator, a carrier's own API, or the marketplace. */
export const PROVIDERS = ['17track', 'aftership', 'usps', 'ups', 'fedex', 'dhl', 'tiktok'] as const;
export const providerSchema = z.enum(PROVIDERS).meta({ id: 'Provider' });
export type Provider = z.infer<typeof providerSchema>;

// Random bytes drawn 4 KiB at a time: a sweep batch mints thousands of ids, and one
// randomBytes(16) call each (a buffer and a CSPRNG call per id) showed in its CPU profile.
const RANDOM_POOL = Buffer.alloc(4096);
let poolOffset = RANDOM_POOL.length;

function randomBlock(): Buffer {
  if (poolOffset + 16 > RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL);
    poolOffset = 0;
  }
  const block = Buffer.from(RANDOM_POOL.subarray(poolOffset, poolOffset + 16));
  poolOffset += 16;
  return block;
}

/** A new time-ordered id (UUID v7). `nowMs` lets callers pass the Clock's time. */
export function newId(nowMs: number = Date.now()): string {
  const bytes = randomBlock();
  let ms = Math.max(0, Math.floor(nowMs));
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return formatUuid(bytes);
}

/**
 * SHA-1 of text. The one-shot `crypto.hash` (Node 20.12+) skips the Hash object that
 * `createHash` builds: most of the cost of an id, and the normalizer derives one per scan.
 */
const sha1: (text: string) => Buffer =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha1', text, 'buffer') : (text) => createHash('sha1').update(text).digest();

/**
 * A deterministic id for a natural key, e.g. `idFromName('checkpoint', shipmentId, rawCode, occurredAt)`:
 * the same parts always give the same UUID (version 5 layout, SHA-1), so a replayed input
 * produces the same event id and consumers dedupe it.
 */
export function idFromName(...parts: readonly string[]): string {
  // Length-prefixing the parts keeps ('ab','c') and ('a','bc') apart.
  const name = parts.map((part) => `${part.length}:${part}`).join('|');
  const bytes = sha1(`parcelwatch|${name}`).subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return formatUuid(bytes);
}

function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
