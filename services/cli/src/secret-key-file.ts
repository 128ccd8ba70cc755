import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseSecretKey, SecretKeyError } from '@parcelwatch/secrets';

/**
 * The embedded stack's PARCELWATCH_SECRET_KEY when the environment gives none: created once
 * (32 random bytes, base64, mode 0600) and read on every later start, so carrier accounts stored
 * through the api keep opening. A file that holds no valid key is reported, never replaced:
 * replacing it would lose every stored account.
 */
export async function keepSecretKey(file: string): Promise<{ key: string; created: boolean }> {
  const resolved = path.resolve(file);
  let text: string | null = null;
  try {
    text = (await readFile(resolved, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text !== null) {
    try {
      parseSecretKey(text);
    } catch (err) {
      if (err instanceof SecretKeyError) throw new Error(`${resolved} does not hold a valid secret key (${err.message}); fix or remove it (removing it loses the carrier accounts stored with it)`);
      throw err;
    }
    return { key: text, created: false };
  }
  const key = randomBytes(32).toString('base64');
  await mkdir(path.dirname(resolved), { recursive: true });
  // 'wx': two starts racing do not overwrite each other's key.
  await writeFile(resolved, `${key}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(resolved, 0o600);
  return { key, created: true };
}
