/** An S3 call that failed for a reason other than a missing blob or a checksum. */
export class S3BlobStoreError extends Error {
  readonly retriable: boolean;
  constructor(message: string, cause: unknown) {
    super(`${message}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'S3BlobStoreError';
    this.retriable = isRetriable(cause);
  }
}

export function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

export function isNotFound(err: unknown): boolean {
  const name = (err as Error | undefined)?.name;
  // A missing bucket is a configuration problem, not a missing blob (HEAD answers carry no name, though).
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || statusOf(err) === 404;
}

/** Server trouble, throttling and network failures may pass; a 4xx answer will not. */
function isRetriable(err: unknown): boolean {
  const status = statusOf(err);
  if (status === undefined) return true;
  return status >= 500 || status === 429 || status === 408;
}
