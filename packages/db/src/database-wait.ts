import { sql, type Kysely } from 'kysely';

/**
 * PostgreSQL could not be reached at start within the wait: the message says where (never the
 * password), for how long and why, and is the whole story, so it prints without a stack trace.
 */
export class DatabaseUnreachableError extends Error {
  readonly retriable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnreachableError';
    this.stack = `${this.name}: ${message}`;
  }
}

/** Errors of a server not (yet) there: refused, reset, timed out, unresolvable, or starting up / shutting down. */
const NOT_THERE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', '57P03', '57P01', '08006', '08001']);

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  // A pool error may wrap several attempts (IPv4 and IPv6): any of them tells.
  const inner = (err as { errors?: unknown[] } | null)?.errors;
  return Array.isArray(inner) ? inner.map(codeOf).find((c) => c !== undefined) : undefined;
}

/**
 * A failure of the connection rather than of the statement: the server went away, restarted, or
 * ended this backend (pg_terminate_backend), or the driver lost the socket. Running the same
 * statements again on a new connection may succeed; a constraint or syntax error would not.
 */
export function isConnectionLost(err: unknown): boolean {
  const code = codeOf(err);
  if (code !== undefined && (NOT_THERE_CODES.has(code) || code.startsWith('08') || code.startsWith('57P') || code === 'EPIPE')) return true;
  const message = err instanceof Error ? err.message : '';
  return /Connection terminated|connection (?:is )?closed|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(message);
}

/** Where a connection string points, for messages: host, port and database, never the user or password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname || ''}`;
  } catch {
    return 'the configured DATABASE_URL';
  }
}

export interface DatabaseWait {
  /** Where the database is, as describeDatabaseUrl gives it. */
  where: string;
  /** Total time to keep trying. */
  timeoutMs: number;
  /** Told before each retry (logs one line). */
  onRetry?: (info: { attempt: number; reason: string; retryInMs: number }) => void;
  /** Test seam; default real timers. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Waits until `select 1` answers: a server that is down or still starting is retried with a
 * growing pause (0.5 s up to 5 s) until `timeoutMs`; anything else (wrong password, no such
 * database) fails at once, since waiting would not change it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema: it only runs `select 1`
export async function waitForDatabase(db: Kysely<any>, wait: DatabaseWait): Promise<void> {
  const now = wait.now ?? Date.now;
  const pause = wait.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + wait.timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await sql`select 1`.execute(db);
      return;
    } catch (err) {
      const code = codeOf(err);
      const reason = `${code ?? 'error'}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
      if (code === undefined || !NOT_THERE_CODES.has(code)) {
        throw new DatabaseUnreachableError(`PostgreSQL at ${wait.where} refused the connection (${reason}); check DATABASE_URL`, { cause: err });
      }
      const retryInMs = Math.min(5_000, 500 * 2 ** Math.min(attempt - 1, 4));
      if (now() + retryInMs > deadline) {
        throw new DatabaseUnreachableError(
          `PostgreSQL at ${wait.where} is not reachable after ${Math.round(wait.timeoutMs / 1000)} s and ${attempt} attempts (${reason}); check that it runs and DATABASE_URL (DATABASE_WAIT_SECONDS sets how long to wait)`,
          { cause: err },
        );
      }
      wait.onRetry?.({ attempt, reason, retryInMs });
      await pause(retryInMs);
    }
  }
}
