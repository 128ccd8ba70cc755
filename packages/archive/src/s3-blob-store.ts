import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type BucketLocationConstraint,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  assertValidKey,
  assertValidTtl,
  attachmentDisposition,
  base64ToHex,
  BlobNotFoundError,
  ChecksumMismatchError,
  existsByHead,
  hexToBase64,
  sha256Hex,
  toBuffer,
  verifiedSha256,
  type BlobHead,
  type BlobStore,
  type PutResult,
} from './blob-store.js';
import { isNotFound, S3BlobStoreError, statusOf } from './s3-errors.js';

export interface S3ClientSettings {
  /** Absent: AWS's own endpoint for the region. */
  endpoint?: string;
  region: string;
  /** MinIO and most S3-compatible servers need path-style URLs. */
  forcePathStyle: boolean;
  /** Absent: the SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function createS3Client(settings: S3ClientSettings): S3Client {
  return new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials !== undefined ? { credentials: settings.credentials } : {}),
  });
}

export interface WarningLogger {
  warn(details: object, message: string): void;
}

export interface S3BlobStoreOptions {
  client: S3Client;
  bucket: string;
  /** How retained proofs are locked when the bucket has Object Lock (default GOVERNANCE). */
  objectLockMode?: 'GOVERNANCE' | 'COMPLIANCE';
  logger?: WarningLogger;
}

export interface S3BlobStore extends BlobStore {
  readonly bucket: string;
  /** Creates the bucket when missing (with Object Lock when asked; it can only be enabled at creation). */
  ensureBucket(options?: { objectLock?: boolean }): Promise<void>;
  /** Whether the bucket has Object Lock enabled; asked once, then cached. */
  supportsObjectLock(): Promise<boolean>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Our own copy of the hash, for servers that store no S3 checksums; written only after the local check. */
const SHA256_METADATA_KEY = 'sha256';

export function createS3BlobStore(options: S3BlobStoreOptions): S3BlobStore {
  const { client, bucket } = options;
  const lockMode = options.objectLockMode ?? 'GOVERNANCE';
  let objectLock: Promise<boolean> | undefined;
  let warnedNoLock = false;

  async function probeObjectLock(): Promise<boolean> {
    try {
      const out = await client.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
      return out.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
    } catch (err) {
      const status = statusOf(err);
      const name = (err as Error).name;
      // Definitive "no": no lock configuration, or a server that does not implement the API.
      if (name === 'ObjectLockConfigurationNotFoundError' || status === 404 || status === 400 || status === 405 || status === 501 || status === 403) {
        options.logger?.warn({ bucket, reason: name, status }, 'bucket has no Object Lock: proofs are stored without retention');
        return false;
      }
      throw new S3BlobStoreError(`cannot read Object Lock configuration of bucket ${bucket}`, err);
    }
  }

  function supportsObjectLock(): Promise<boolean> {
    // Cache the answer, not a transient failure: the next put asks again.
    objectLock ??= probeObjectLock().catch((err: unknown) => {
      objectLock = undefined;
      throw err;
    });
    return objectLock;
  }

  async function head(key: string): Promise<BlobHead> {
    assertValidKey(key);
    try {
      const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
      const result: BlobHead = {
        size: out.ContentLength ?? 0,
        sha256: fullObjectSha256(out.ChecksumSHA256, out.Metadata),
        contentType: out.ContentType ?? 'application/octet-stream',
      };
      if (out.ObjectLockRetainUntilDate !== undefined) result.retainUntil = out.ObjectLockRetainUntilDate;
      return result;
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(key, { cause: err });
      throw new S3BlobStoreError(`HeadObject ${key} failed`, err);
    }
  }

  return {
    bucket,
    supportsObjectLock,
    head,

    async ensureBucket(ensureOptions = {}) {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
        return;
      } catch (err) {
        if (!isNotFound(err)) throw new S3BlobStoreError(`HeadBucket ${bucket} failed`, err);
      }
      // The SDK's resolved-config type loses `region` with the installed @smithy/core (3.41): read it structurally.
      const region = await (client.config as unknown as { region: () => Promise<string> }).region();
      try {
        await client.send(
          new CreateBucketCommand({
            Bucket: bucket,
            ...(ensureOptions.objectLock ? { ObjectLockEnabledForBucket: true } : {}),
            // us-east-1 is the one region that refuses an explicit location constraint.
            ...(region !== 'us-east-1' ? { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } } : {}),
          }),
        );
      } catch (err) {
        const name = (err as Error).name;
        if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw new S3BlobStoreError(`CreateBucket ${bucket} failed`, err);
      }
      objectLock = undefined;
    },

    async put(key, body, putOptions): Promise<PutResult> {
      assertValidKey(key);
      const bytes = toBuffer(body);
      // Checked here as well as by the server: some S3-compatible servers ignore the checksum header.
      const sha256 = verifiedSha256(key, bytes, putOptions.sha256);
      const input: PutObjectCommandInput = {
        Bucket: bucket,
        Key: key,
        Body: bytes,
        ContentLength: bytes.length,
        ContentType: putOptions.contentType,
        // S3 recomputes the SHA-256 of what it received and refuses the put on a mismatch.
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: hexToBase64(sha256),
        Metadata: { [SHA256_METADATA_KEY]: sha256 },
      };
      let retainedUntil: Date | undefined;
      if (putOptions.retainUntil !== undefined) {
        if (await supportsObjectLock()) {
          input.ObjectLockMode = lockMode;
          input.ObjectLockRetainUntilDate = putOptions.retainUntil;
          retainedUntil = new Date(putOptions.retainUntil.getTime());
        } else if (!warnedNoLock) {
          warnedNoLock = true;
          options.logger?.warn({ bucket, key }, 'retention requested but the bucket has no Object Lock; stored without it');
        }
      }
      try {
        const out = await client.send(new PutObjectCommand(input));
        const result: PutResult = { key, sha256 };
        if (out.VersionId !== undefined && out.VersionId !== 'null') result.versionId = out.VersionId;
        if (retainedUntil !== undefined) result.retainedUntil = retainedUntil;
        return result;
      } catch (err) {
        if (isChecksumRefusal(err)) {
          // We hashed these very bytes: the server saw different ones, so they changed on the way.
          throw new ChecksumMismatchError(key, sha256, 'rejected by the server', true, { cause: err });
        }
        throw new S3BlobStoreError(`PutObject ${key} failed`, err);
      }
    },

    async get(key) {
      assertValidKey(key);
      let bytes: Buffer;
      let expected: string | null;
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
        if (out.Body === undefined) throw new Error('GetObject returned no body');
        bytes = Buffer.from(await out.Body.transformToByteArray());
        expected = fullObjectSha256(out.ChecksumSHA256, out.Metadata);
      } catch (err) {
        if (isNotFound(err)) throw new BlobNotFoundError(key, { cause: err });
        throw new S3BlobStoreError(`GetObject ${key} failed`, err);
      }
      const actual = sha256Hex(bytes);
      if (expected !== null && expected !== actual) throw new ChecksumMismatchError(key, expected, actual, true);
      return bytes;
    },

    exists: (key) => existsByHead(head, key),

    async presignGet(key, ttlSeconds, presign = {}) {
      assertValidKey(key);
      assertValidTtl(ttlSeconds);
      // response-content-disposition is part of the signed query: S3 answers with it as the header.
      const disposition = presign.downloadAs === undefined ? {} : { ResponseContentDisposition: attachmentDisposition(presign.downloadAs) };
      return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key, ...disposition }), { expiresIn: ttlSeconds });
    },
  };
}

/**
 * The hex SHA-256 of the whole object: S3's checksum when it is a full-object one (a
 * multipart upload's composite checksum ends in `-<parts>` and is not), else our metadata copy.
 */
function fullObjectSha256(checksum: string | undefined, metadata: Record<string, string> | undefined): string | null {
  if (checksum !== undefined && !checksum.includes('-')) return base64ToHex(checksum);
  const copy = metadata?.[SHA256_METADATA_KEY]?.toLowerCase();
  return copy !== undefined && SHA256_HEX.test(copy) ? copy : null;
}

/**
 * The server recomputed the body's checksum and it differed. AWS says BadDigest, MinIO
 * XAmzContentChecksumMismatch, S3Mock a BadRequest about the x-amz-checksum-sha256 header.
 */
function isChecksumRefusal(err: unknown): boolean {
  const { name, message } = err as Error;
  if (name === 'BadDigest' || name === 'XAmzContentChecksumMismatch' || name === 'InvalidDigest') return true;
  return (name === 'BadRequest' || name === 'InvalidRequest') && /checksum/i.test(message ?? '');
}
