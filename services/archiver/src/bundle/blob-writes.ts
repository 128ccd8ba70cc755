import { BlobNotFoundError, sha256Hex, type BlobStore } from '@parcelwatch/archive';

/**
 * Puts a blob unless the store already holds these very bytes under the key (a retry after a
 * crash). Keys embed their content's hash, so "already there" means "already done"; and a
 * retained blob could not be written again anyway. Returns the retention actually in force.
 */
export async function putOnce(
  store: BlobStore,
  key: string,
  body: Buffer,
  options: { contentType: string; retainUntil?: Date },
): Promise<{ sha256: string; retainedUntil: Date | null }> {
  const sha256 = sha256Hex(body);
  const existing = await store.head(key).catch((err: unknown) => {
    if (err instanceof BlobNotFoundError) return null;
    throw err;
  });
  if (existing !== null && existing.sha256 === sha256 && existing.size === body.length) {
    return { sha256, retainedUntil: existing.retainUntil ?? null };
  }
  const put = await store.put(key, body, { contentType: options.contentType, sha256, ...(options.retainUntil ? { retainUntil: options.retainUntil } : {}) });
  return { sha256, retainedUntil: put.retainedUntil ?? null };
}

/** The retention a whole set of blobs is under: the earliest, and only when every one has it. */
export function commonRetention(retentions: readonly (Date | null)[]): Date | null {
  let earliest: Date | null = null;
  for (const until of retentions) {
    if (until === null) return null;
    if (earliest === null || until < earliest) earliest = until;
  }
  return earliest;
}
