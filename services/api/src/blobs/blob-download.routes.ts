import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '@parcelwatch/logger';
import { assertValidKey, attachmentDisposition, BlobNotFoundError, ChecksumMismatchError, InvalidBlobKeyError, type BlobHead } from '@parcelwatch/archive';

/** The part of the filesystem blob store the download route needs (structurally a FilesystemBlobStore). */
export interface SignedBlobs {
  verifyPresigned(key: string, expires: number, signature: string): boolean;
  head(key: string): Promise<BlobHead>;
  get(key: string): Promise<Buffer>;
}

const forbidden = { error: 'forbidden', message: 'this download link is invalid or has expired; reload the shipment for a fresh one' };

/**
 * GET /v1/blobs/<key>?expires=&signature=: what the filesystem archive's presigned URLs point
 * at (embedded mode, no S3). Open in the route policy because the URL is the credential: an
 * HMAC over the key and expiry that only this server's store can make. The bytes are read
 * through the store, so a blob damaged at rest fails its checksum instead of being served.
 */
export function registerBlobDownloadRoutes(app: FastifyInstance, deps: { blobs: SignedBlobs; logger: Logger }): void {
  const { blobs, logger } = deps;
  app.get('/v1/blobs/*', async (request, reply) => {
    const key = (request.params as { '*': string })['*'];
    try {
      // `..`, empty or absolute segments never name a blob (the store would never sign one).
      assertValidKey(key);
    } catch (err) {
      if (err instanceof InvalidBlobKeyError) return reply.code(400).send({ error: 'invalid_key', message: `not a blob key: ${err.message}` });
      throw err;
    }
    const query = request.query as Record<string, unknown>;
    const expires = typeof query['expires'] === 'string' && /^\d{1,12}$/.test(query['expires']) ? Number(query['expires']) : NaN;
    const signature = typeof query['signature'] === 'string' && /^[0-9a-f]{64}$/.test(query['signature']) ? query['signature'] : null;
    if (signature === null || !blobs.verifyPresigned(key, expires, signature)) return reply.code(403).send(forbidden);
    try {
      const head = await blobs.head(key);
      const bytes = await blobs.get(key);
      return reply
        .type(head.contentType)
        .header('content-disposition', attachmentDisposition(path.posix.basename(key)))
        .header('x-checksum-sha256', head.sha256)
        .header('x-content-type-options', 'nosniff')
        // Whatever the blob is (an HTML proof page), it never runs as this origin's page.
        .header('content-security-policy', 'sandbox')
        .header('cache-control', 'private, no-store')
        .send(bytes);
    } catch (err) {
      if (err instanceof BlobNotFoundError) return reply.code(404).send({ error: 'not_found', message: `no blob ${key}` });
      if (err instanceof ChecksumMismatchError) {
        logger.error({ err, key }, 'stored blob failed its checksum');
        return reply.code(500).send({ error: 'blob_damaged', message: `the stored copy of ${key} fails its SHA-256 check; it is not served` });
      }
      throw err;
    }
  });
}
