import { sql, type Kysely } from 'kysely';

// Merchant onboarding (POST /v1/merchants, `parcelwatch merchants`): the profile fields that
// had no home. Sender identity and quiet hours stay in settings.notifications, where the
// notifier reads them; the locale and time zone stay in default_locale / default_timezone.
// - support_email: where buyers and ops reach the seller (a business address, not buyer PII).
// - marketplace_shop_id / marketplace_shop_cipher: the merchant's TikTok Shop shop and the cipher
//   its Partner API calls name it by (an identifier, not a credential).
// - compensation_policy_version: the policy version the merchant signed up to.
// - updated_at: the last profile change (null until one).
// A shop belongs to one merchant, so the shop id is unique where set.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE merchants
      ADD COLUMN support_email text,
      ADD COLUMN marketplace_shop_id text,
      ADD COLUMN marketplace_shop_cipher text,
      ADD COLUMN compensation_policy_version text,
      ADD COLUMN updated_at timestamptz`.execute(db);
  await sql`CREATE UNIQUE INDEX merchants_marketplace_shop_key ON merchants (marketplace_shop_id) WHERE marketplace_shop_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX merchants_marketplace_shop_key`.execute(db);
  await sql`
    ALTER TABLE merchants
      DROP COLUMN support_email,
      DROP COLUMN marketplace_shop_id,
      DROP COLUMN marketplace_shop_cipher,
      DROP COLUMN compensation_policy_version,
      DROP COLUMN updated_at`.execute(db);
}
