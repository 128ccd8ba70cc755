import type { z } from 'zod';

/**
 * A provider payload this package cannot read. Not retriable: the same bytes fail the same
 * way; the caller keeps the raw snapshot as evidence and dead-letters it.
 */
export class PayloadError extends Error {
  readonly retriable = false;
  override readonly name = 'PayloadError';

  constructor(
    readonly provider: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${provider} payload: ${message}`, options);
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
}

/**
 * Parse with zod; on failure throw a PayloadError naming each bad path (up to 5) and what was
 * expected, e.g. `fedex payload: cannot read it as Track API response: output...scanEvents[3].date: Invalid input: expected string, received number`.
 */
export function parseWith<T>(provider: string, schema: z.ZodType<T>, payload: unknown, what: string): T {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 5)
    .map((issue) => `${formatPath(issue.path)}: ${issue.message}`)
    .join('; ');
  throw new PayloadError(provider, `cannot read it as ${what}: ${issues}`, { cause: result.error });
}
