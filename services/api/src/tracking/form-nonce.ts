import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * The contact form's CSRF defence without cookies: each rendered page carries a nonce signed with
 * the api's form key, bound to that page's link and time. A post without a valid, fresh nonce
 * for the same link is refused, so another site cannot submit the form for a buyer, and the
 * nonce doubles as the contact's idempotency key (a double submit records one contact).
 */

const MAX_AGE_MS = 2 * 60 * 60 * 1000;

export interface FormNonces {
  issue(linkHash: string, nowMs: number): string;
  /** True when the nonce was issued by this key for this link within the last two hours. */
  verify(nonce: string, linkHash: string, nowMs: number): boolean;
}

export function createFormNonces(key: string | Buffer = randomBytes(32)): FormNonces {
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
  return {
    issue(linkHash, nowMs) {
      const payload = `${nowMs.toString(36)}.${randomBytes(9).toString('base64url')}`;
      return `${payload}.${sign(`${linkHash}.${payload}`)}`;
    },
    verify(nonce, linkHash, nowMs) {
      const parts = nonce.split('.');
      if (parts.length !== 3) return false;
      const [at, random, signature] = parts as [string, string, string];
      const expected = Buffer.from(sign(`${linkHash}.${at}.${random}`));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
      const issuedAt = parseInt(at, 36);
      return Number.isFinite(issuedAt) && nowMs - issuedAt >= 0 && nowMs - issuedAt <= MAX_AGE_MS;
    },
  };
}
