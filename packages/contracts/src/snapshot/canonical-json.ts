/**
 * JSON with object keys sorted at every level and no whitespace. A sliced snapshot's SHA-256 is
 * taken over this form, because the payload travels through jsonb (outbox) and Kafka, which do
 * not keep key order: any holder of the event can recompute the hash from `payload.body`.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}
