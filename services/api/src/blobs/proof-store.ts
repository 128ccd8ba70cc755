import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createFilesystemBlobStore, openBlobStore, type BlobStore, type BlobStoreSettings, type FilesystemBlobStore } from '@parcelwatch/archive';

export interface ApiProofStore {
  /** Where proofs are read and presigned (ApiDeps.blobStore). */
  blobStore: BlobStore;
  /** The filesystem archive whose links point at this api's /v1/blobs (ApiDeps.signedBlobs); none with S3. */
  signedBlobs?: FilesystemBlobStore;
}

/**
 * The proof archive as the api serves it. S3: presigned URLs go to the bucket. Filesystem (no
 * S3): links point at `<publicUrl>/v1/blobs/...`, HMAC-signed with `signingSecret` (random per
 * process when not given: links live minutes, so one that dies with a restart loses nothing;
 * give a shared secret when several api processes serve one directory). `publicUrl` is a
 * function because the api's own URL is known only once it listens.
 */
export async function openApiProofStore(settings: BlobStoreSettings, options: { publicUrl: () => string; signingSecret?: string }): Promise<ApiProofStore> {
  if (settings.kind !== 'filesystem') return { blobStore: await openBlobStore(settings) };
  await mkdir(settings.dir, { recursive: true });
  const signedBlobs = createFilesystemBlobStore({
    dir: settings.dir,
    publicBaseUrl: () => `${options.publicUrl().replace(/\/+$/, '')}/v1/blobs`,
    signingSecret: options.signingSecret ?? randomBytes(32).toString('hex'),
  });
  return { blobStore: signedBlobs, signedBlobs };
}
