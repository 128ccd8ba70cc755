import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { createSecretBox, SecretOpenError } from './secret-box.js';
import { parseSecretKey, SecretKeyError } from './secret-key.js';
import { secretBoxOf, secretKeyEnv, secretKeyRules } from './secret-key.env.js';

const newKey = () => parseSecretKey(randomBytes(32).toString('base64'));
const CONTEXT = 'carrier-account:m1:17track';

function openError(run: () => unknown): SecretOpenError {
  try {
    run();
  } catch (err) {
    if (err instanceof SecretOpenError) return err;
    throw err;
  }
  throw new Error('expected the value not to open');
}

describe('parseSecretKey', () => {
  it('reads 32 bytes as hex, base64 or base64url, and names the same key the same way', () => {
    const bytes = randomBytes(32);
    const ids = [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url'), ` ${bytes.toString('base64')}\n`].map((text) => parseSecretKey(text).id);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^[0-9a-f]{12}$/);
    expect(parseSecretKey(bytes.toString('hex')).bytes.equals(bytes)).toBe(true);
  });

  it('refuses short, long and mistyped keys without repeating them', () => {
    for (const text of ['', 'secret', randomBytes(16).toString('base64'), randomBytes(33).toString('hex'), `${randomBytes(32).toString('hex').slice(0, 63)}g`]) {
      expect(() => parseSecretKey(text)).toThrow(SecretKeyError);
      try {
        parseSecretKey(text);
      } catch (err) {
        if (text !== '') expect((err as Error).message).not.toContain(text);
      }
    }
  });
});

describe('secret box', () => {
  it('opens what it sealed, and seals the same text differently each time', () => {
    const box = createSecretBox({ current: newKey() });
    const a = box.seal('17t-live-key', CONTEXT);
    const b = box.seal('17t-live-key', CONTEXT);
    expect(a).not.toBe(b);
    expect(a).not.toContain('17t-live-key');
    expect(a.split('.')[1]).toBe(box.keyId);
    expect(box.open(a, CONTEXT)).toBe('17t-live-key');
    expect(box.open(b, CONTEXT)).toBe('17t-live-key');
  });

  it('detects any altered part and a value moved to another record', () => {
    const box = createSecretBox({ current: newKey() });
    const sealed = box.seal('{"apiKey":"as-live-key"}', CONTEXT);
    const parts = sealed.split('.');
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index]!, 'base64url');
      bytes[0] = bytes[0]! ^ 0x01;
      const altered = [...parts];
      altered[index] = bytes.toString('base64url');
      expect(openError(() => box.open(altered.join('.'), CONTEXT)).reason).toBe('tampered');
    }
    expect(openError(() => box.open(sealed, 'carrier-account:m2:17track')).reason).toBe('tampered');
    expect(openError(() => box.open('not sealed', CONTEXT)).reason).toBe('malformed');
  });

  it('does not open under a wrong key, and says which key id it needs', () => {
    const sealed = createSecretBox({ current: newKey() }).seal('dhl-live-key', CONTEXT);
    const error = openError(() => createSecretBox({ current: newKey() }).open(sealed, CONTEXT));
    expect(error.reason).toBe('unknown_key');
    expect(error.message).toContain(sealed.split('.')[1]);
    // A forged key id that matches the wrong key's still fails authentication.
    const wrong = newKey();
    const forged = sealed.split('.');
    forged[1] = wrong.id;
    expect(openError(() => createSecretBox({ current: wrong }).open(forged.join('.'), CONTEXT)).reason).toBe('tampered');
  });

  it('rotates: the previous key still opens, new values go under the new key, needsReseal finds the old ones', () => {
    const oldKey = newKey();
    const before = createSecretBox({ current: oldKey }).seal('ups-secret', CONTEXT);
    const newer = newKey();
    const rotated = createSecretBox({ current: newer, previous: oldKey });
    expect(rotated.needsReseal(before)).toBe(true);
    const resealed = rotated.seal(rotated.open(before, CONTEXT), CONTEXT);
    expect(rotated.needsReseal(resealed)).toBe(false);
    // Once every value is resealed the previous key can go.
    const after = createSecretBox({ current: newer });
    expect(after.open(resealed, CONTEXT)).toBe('ups-secret');
    expect(openError(() => after.open(before, CONTEXT)).reason).toBe('unknown_key');
  });
});

describe('secret key settings', () => {
  const schema = z.object(secretKeyEnv).check(...secretKeyRules);

  it('makes a box from the configured keys, none without a key', () => {
    const key = randomBytes(32).toString('hex');
    expect(secretBoxOf(schema.parse({}))).toBeNull();
    expect(secretBoxOf(schema.parse({ PARCELWATCH_SECRET_KEY: key }))?.keyId).toBe(parseSecretKey(key).id);
  });

  it('refuses a bad key and a previous key without a current one', () => {
    const bad = schema.safeParse({ PARCELWATCH_SECRET_KEY: 'too-short' });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).not.toContain('too-short');
    const orphan = schema.safeParse({ PARCELWATCH_SECRET_KEY_PREVIOUS: randomBytes(32).toString('hex') });
    expect(orphan.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['PARCELWATCH_SECRET_KEY']);
  });
});
