/**
 * Errors that say whether trying again can help. A handler throws `RetriableError` for a
 * transient failure (database restarting, broker unavailable) and `NonRetriableError` for a
 * message that can never succeed (it violates a constraint, names an unknown shipment); the
 * consumer retries the first and dead-letters the second. Anything else is classified by
 * `isRetriable`.
 */
export class RetriableError extends Error {
  readonly retriable = true as const;
  override readonly name: string = 'RetriableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class NonRetriableError extends Error {
  readonly retriable = false as const;
  override readonly name: string = 'NonRetriableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A batch kept failing with a retriable error after the whole retry budget. The consumer stops
 * without committing the batch and starts again later from the last committed offset, so no
 * message is skipped; until then it reports unhealthy.
 */
export class ConsumerHaltedError extends Error {
  readonly retriable = true as const;
  override readonly name = 'ConsumerHaltedError';
  constructor(
    message: string,
    readonly topic: string,
    readonly partition: number,
    readonly offset: string,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** Publishing failed; the outbox relay and the DLQ writer retry it. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    message: string,
    readonly retriable: boolean,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/*
 * PostgreSQL SQLSTATE classes and codes worth retrying: connection trouble, the server shutting
 * down or out of resources, and conflicts between concurrent transactions.
 */
const RETRIABLE_PG_CLASSES = ['08', '53', '57', '58'];
const RETRIABLE_PG_CODES = ['40001', '40P01', '55P03', '57014'];
/*
 * Data exceptions and constraint violations: this message will fail the same way every time.
 * Syntax errors and undefined tables/columns (class 42) are deliberately not here: they mean the
 * code or the schema is wrong (a migration not yet run), and every message would be dead-lettered.
 */
const NON_RETRIABLE_PG_CLASSES = ['22', '23'];

const RETRIABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

function sqlState(err: object): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Whether an error is worth retrying. An explicit boolean `retriable` wins (our errors and
 * kafkajs's carry one); then PostgreSQL SQLSTATEs and Node network codes are classified; a
 * `ConsumerHaltedError` or `PublishError` cause is followed. Unknown errors count as retriable:
 * halting a partition until someone looks is safer than dead-lettering every message that
 * meets a bug or an outage nobody anticipated.
 */
export function isRetriable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return true;
  const flag = (err as { retriable?: unknown }).retriable;
  if (typeof flag === 'boolean') return flag;
  const state = sqlState(err);
  if (state !== undefined) {
    if (RETRIABLE_PG_CODES.includes(state)) return true;
    if (RETRIABLE_PG_CLASSES.includes(state.slice(0, 2))) return true;
    if (NON_RETRIABLE_PG_CLASSES.includes(state.slice(0, 2))) return false;
    return true;
  }
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && RETRIABLE_NODE_CODES.has(code)) return true;
  const cause = (err as { cause?: unknown }).cause;
  if (cause !== undefined && cause !== err) return isRetriable(cause);
  return true;
}

/** One line for a log or a DLQ header: the error's name and message, then its causes'. */
export function describeError(err: unknown, depth = 0): string {
  if (!(err instanceof Error)) return String(err);
  const own = `${err.name}: ${err.message}`;
  if (depth >= 3 || err.cause === undefined) return own;
  return `${own} (cause: ${describeError(err.cause, depth + 1)})`;
}
