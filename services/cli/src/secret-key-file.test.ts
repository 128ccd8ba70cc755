import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parseSecretKey } from '@parcelwatch/secrets';
import { keepSecretKey } from './secret-key-file.js';

const dir = mkdtempSync(path.join(tmpdir(), 'pw-secret-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('keepSecretKey', () => {
  it('creates a valid key once (mode 0600) and returns the same key afterwards', async () => {
    const file = path.join(dir, 'data', 'secret-key');
    const first = await keepSecretKey(file);
    expect(first.created).toBe(true);
    expect(parseSecretKey(first.key).bytes).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await keepSecretKey(file)).toEqual({ key: first.key, created: false });
  });

  it('refuses a file without a valid key and leaves it as it is', async () => {
    const file = path.join(dir, 'broken-key');
    writeFileSync(file, 'not a key\n');
    await expect(keepSecretKey(file)).rejects.toThrow(/does not hold a valid secret key/);
    expect(readFileSync(file, 'utf8')).toBe('not a key\n');
  });
});
