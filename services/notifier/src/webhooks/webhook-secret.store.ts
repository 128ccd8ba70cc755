import { listWebhookEndpointSecrets, replaceWebhookEndpointSecret, type Database } from '@parcelwatch/db';
import type { SecretBox } from '@parcelwatch/secrets';
import type { Kysely } from 'kysely';

/*
 * Merchant webhook signing secrets at rest: sealed (AES-256-GCM, packages/secrets) under
 * PARCELWATCH_SECRET_KEY, bound to their endpoint so a value copied onto another row does not
 * open. A secret is needed in clear to sign, so it is sealed rather than hashed. Rows written
 * before sealing (or by a notifier without a key) hold the clear `whsec_...` text; the reseal
 * round seals them once a key is configured.
 */

const CLEAR_PREFIX = 'whsec_';

const contextOf = (endpointId: string) => `merchant-webhook:${endpointId}`;

export function isClearSecret(stored: string): boolean {
  return stored.startsWith(CLEAR_PREFIX);
}

/** What is stored for a new secret: sealed when there is a key, else clear (the start-up log says so). */
export function storedSecret(box: SecretBox | null, endpointId: string, secret: string): string {
  return box === null ? secret : box.seal(secret, contextOf(endpointId));
}

/** The secret to sign with. Throws SecretOpenError when sealed under an unknown key or altered, or when there is no key. */
export function signingSecret(box: SecretBox | null, endpointId: string, stored: string): string {
  if (isClearSecret(stored)) return stored;
  if (box === null) throw new Error('the signing secret is sealed and PARCELWATCH_SECRET_KEY is not set');
  return box.open(stored, contextOf(endpointId));
}

export interface ResealRound {
  sealed: number;
  resealed: number;
  unreadable: number;
}

/** Seals clear secrets and moves those sealed under the previous key to the current one, a page at a time. */
export async function resealWebhookSecrets(db: Kysely<Database>, box: SecretBox, pageSize = 500): Promise<ResealRound> {
  const round: ResealRound = { sealed: 0, resealed: 0, unreadable: 0 };
  let afterId: string | null = null;
  for (;;) {
    const page = await listWebhookEndpointSecrets(db, { afterId, limit: pageSize });
    for (const row of page) {
      const clear = isClearSecret(row.secret);
      if (!clear && !box.needsReseal(row.secret)) continue;
      let secret: string;
      try {
        secret = signingSecret(box, row.id, row.secret);
      } catch {
        round.unreadable += 1;
        continue;
      }
      if (await replaceWebhookEndpointSecret(db, row.id, { expected: row.secret, secret: storedSecret(box, row.id, secret) })) {
        if (clear) round.sealed += 1;
        else round.resealed += 1;
      }
    }
    if (page.length < pageSize) return round;
    afterId = page.at(-1)!.id;
  }
}
