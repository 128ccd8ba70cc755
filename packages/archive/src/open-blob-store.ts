import { mkdir } from 'node:fs/promises';
import type { BlobStore } from './blob-store.js';
import { createFilesystemBlobStore } from './filesystem-blob-store.js';
import { createS3BlobStore, createS3Client, type WarningLogger } from './s3-blob-store.js';

/** The blob store half of @parcelwatch/config's AdapterPlan (structural: archive does not depend on config). */
export type BlobStoreSettings =
  | {
      kind: 's3';
      endpoint?: string;
      bucket: string;
      region: string;
      forcePathStyle: boolean;
      credentials?: { accessKeyId: string; secretAccessKey: string };
      objectLockMode: 'GOVERNANCE' | 'COMPLIANCE';
    }
  | { kind: 'filesystem'; dir: string };

/**
 * The store the settings name, ready to use: the directory created, or the bucket checked (and
 * created when missing). What services, the embedded stack and the CLI open.
 */
export async function openBlobStore(settings: BlobStoreSettings, options: { logger?: WarningLogger } = {}): Promise<BlobStore> {
  if (settings.kind === 'filesystem') {
    await mkdir(settings.dir, { recursive: true });
    return createFilesystemBlobStore({ dir: settings.dir });
  }
  const { bucket, objectLockMode, kind: _kind, ...client } = settings;
  const store = createS3BlobStore({ client: createS3Client(client), bucket, objectLockMode, ...(options.logger ? { logger: options.logger } : {}) });
  await store.ensureBucket();
  return store;
}
