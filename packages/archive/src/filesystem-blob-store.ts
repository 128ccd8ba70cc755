import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  assertValidKey,
  assertValidTtl,
  BlobNotFoundError,
  BlobRetainedError,
  ChecksumMismatchError,
  existsByHead,
  sha256Hex,
  toBuffer,
  verifiedSha256,
  type BlobHead,
  type BlobStore,
  type PutResult,
} from './blob-store.js';

/*
 * The embedded mode's blob store: a directory instead of a bucket.
 *   <dir>/objects/<key>            the bytes
 *   <dir>/meta/<key>.meta.json     sidecar: sha256, size, content type, retention
 *   <dir>/tmp/                     staging, same filesystem so rename is atomic
 * A blob exists once its sidecar exists: the sidecar is written last, so a crash midway
 * leaves at worst an orphan data file, never a blob that reads back unverified.
 * Proof keys embed the content's SHA-256, so concurrent writers of one key write the same
 * bytes; a torn pair (data of one put, sidecar of another) is caught by get()'s check.
 */

export interface FilesystemBlobStoreOptions {
  dir: string;
  /**
   * Base URL of an HTTP route that serves blobs (the api mounts it), e.g.
   * `http://127.0.0.1:3000/v1/blobs`. With it, presignGet returns
   * `<base>/<key>?expires=<unix seconds>&signature=<hex HMAC-SHA256>` and the route checks
   * it with verifyPresigned(). Without it, presignGet returns a file:// URL (local use only:
   * it grants nothing and never expires). A function is asked at each presign, for a server
   * whose address is known only once it listens (an ephemeral port).
   */
  publicBaseUrl?: string | (() => string);
  /** HMAC key for those URLs; required with publicBaseUrl. */
  signingSecret?: string;
  /** Milliseconds since the epoch; injectable for expiry and retention tests. */
  now?: () => number;
}

export interface FilesystemBlobStore extends BlobStore {
  readonly dir: string;
  /** For the HTTP route behind publicBaseUrl: is this (key, expires, signature) valid now? */
  verifyPresigned(key: string, expires: number, signature: string): boolean;
}

interface Sidecar {
  sha256: string;
  size: number;
  contentType: string;
  retainUntil?: string;
  storedAt: string;
}

export function createFilesystemBlobStore(options: FilesystemBlobStoreOptions): FilesystemBlobStore {
  const dir = path.resolve(options.dir);
  const now = options.now ?? Date.now;
  if (options.publicBaseUrl !== undefined && !options.signingSecret) {
    throw new Error('createFilesystemBlobStore: signingSecret is required with publicBaseUrl');
  }
  const dataPath = (key: string) => path.join(dir, 'objects', ...key.split('/'));
  const sidecarPath = (key: string) => `${path.join(dir, 'meta', ...key.split('/'))}.meta.json`;

  async function writeAtomically(target: string, content: Buffer | string): Promise<void> {
    const staging = path.join(dir, 'tmp', randomUUID());
    await mkdir(path.dirname(staging), { recursive: true });
    await mkdir(path.dirname(target), { recursive: true });
    const handle = await open(staging, 'w');
    try {
      await handle.writeFile(content);
      // Durable before it becomes visible: a power cut must not leave a renamed but empty file.
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(staging, target);
    } catch (err) {
      await rm(staging, { force: true });
      throw err;
    }
  }

  async function readSidecar(key: string): Promise<Sidecar> {
    assertValidKey(key);
    try {
      return JSON.parse(await readFile(sidecarPath(key), 'utf8')) as Sidecar;
    } catch (err) {
      if (isMissing(err)) throw new BlobNotFoundError(key, { cause: err });
      throw err;
    }
  }

  async function head(key: string): Promise<BlobHead> {
    const sidecar = await readSidecar(key);
    let size: number;
    try {
      size = (await stat(dataPath(key))).size;
    } catch (err) {
      if (isMissing(err)) throw new BlobNotFoundError(key, { cause: err });
      throw err;
    }
    // A cheap check (no hashing): a truncated or swapped file shows up as a size change.
    if (size !== sidecar.size) throw new ChecksumMismatchError(key, sidecar.sha256, `unknown (size ${size}, expected ${sidecar.size})`, false);
    const result: BlobHead = { size, sha256: sidecar.sha256, contentType: sidecar.contentType };
    if (sidecar.retainUntil !== undefined) result.retainUntil = new Date(sidecar.retainUntil);
    return result;
  }

  function sign(key: string, expires: number): string {
    return createHmac('sha256', options.signingSecret ?? '').update(`${key}\n${expires}`).digest('hex');
  }

  return {
    dir,
    head,

    async put(key, body, putOptions): Promise<PutResult> {
      assertValidKey(key);
      const bytes = toBuffer(body);
      const sha256 = verifiedSha256(key, bytes, putOptions.sha256);
      const existing = await readSidecar(key).catch((err: unknown) => {
        if (err instanceof BlobNotFoundError) return undefined;
        throw err;
      });
      // No versions here, so retention means the key itself is write-once until then.
      if (existing?.retainUntil !== undefined && Date.parse(existing.retainUntil) > now()) {
        throw new BlobRetainedError(key, new Date(existing.retainUntil));
      }
      await writeAtomically(dataPath(key), bytes);
      const sidecar: Sidecar = { sha256, size: bytes.length, contentType: putOptions.contentType, storedAt: new Date(now()).toISOString() };
      if (putOptions.retainUntil !== undefined) sidecar.retainUntil = putOptions.retainUntil.toISOString();
      await writeAtomically(sidecarPath(key), `${JSON.stringify(sidecar, null, 2)}\n`);
      const result: PutResult = { key, sha256 };
      if (putOptions.retainUntil !== undefined) result.retainedUntil = new Date(putOptions.retainUntil.getTime());
      return result;
    },

    async get(key) {
      const sidecar = await readSidecar(key);
      let bytes: Buffer;
      try {
        bytes = await readFile(dataPath(key));
      } catch (err) {
        if (isMissing(err)) throw new BlobNotFoundError(key, { cause: err });
        throw err;
      }
      const actual = sha256Hex(bytes);
      // Damage at rest does not heal by reading again.
      if (actual !== sidecar.sha256) throw new ChecksumMismatchError(key, sidecar.sha256, actual, false);
      return bytes;
    },

    exists: (key) => existsByHead(head, key),

    async presignGet(key, ttlSeconds) {
      assertValidKey(key);
      assertValidTtl(ttlSeconds);
      if (options.publicBaseUrl === undefined) return pathToFileURL(dataPath(key)).href;
      const expires = Math.floor(now() / 1000) + ttlSeconds;
      const encodedKey = key.split('/').map(encodeURIComponent).join('/');
      const base = (typeof options.publicBaseUrl === 'function' ? options.publicBaseUrl() : options.publicBaseUrl).replace(/\/+$/, '');
      return `${base}/${encodedKey}?expires=${expires}&signature=${sign(key, expires)}`;
    },

    verifyPresigned(key, expires, signature) {
      if (options.publicBaseUrl === undefined || !Number.isInteger(expires) || expires * 1000 < now()) return false;
      const expected = Buffer.from(sign(key, expires), 'hex');
      const given = Buffer.from(signature, 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  // ENOTDIR: a key such as `a/b` where `a` is a blob, not a folder.
  return code === 'ENOENT' || code === 'ENOTDIR';
}
