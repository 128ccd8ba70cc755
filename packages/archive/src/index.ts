export {
  assertValidKey,
  attachmentDisposition,
  BlobNotFoundError,
  BlobRetainedError,
  ChecksumMismatchError,
  InvalidBlobKeyError,
  sha256Hex,
  type BlobBody,
  type BlobHead,
  type BlobStore,
  type PresignOptions,
  type PutOptions,
  type PutResult,
} from './blob-store.js';
export { createFilesystemBlobStore, type FilesystemBlobStore, type FilesystemBlobStoreOptions } from './filesystem-blob-store.js';
export {
  createS3BlobStore,
  createS3Client,
  type S3BlobStore,
  type S3BlobStoreOptions,
  type S3ClientSettings,
  type WarningLogger,
} from './s3-blob-store.js';
export { S3BlobStoreError } from './s3-errors.js';
export { openBlobStore, type BlobStoreSettings } from './open-blob-store.js';
