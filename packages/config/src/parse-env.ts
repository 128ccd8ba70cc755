import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config.error.js';

export type Env = Record<string, string | undefined>;

/**
 * Parses environment variables with a zod schema and reports every bad key at once.
 *
 * Empty values count as absent: `S3_ENDPOINT=` in a compose file or a shell means "not set",
 * so the default (or the embedded adapter) applies. Messages come from the schema and never
 * quote the offending value, because that value may be a password or a connection string.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env = process.env): z.output<S> {
  const present: Env = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') present[key] = value;
  }
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => toConfigIssue(issue, present)));
}

function toConfigIssue(issue: z.core.$ZodIssue, present: Env): ConfigIssue {
  const [head, ...rest] = issue.path;
  const key = head === undefined ? '(environment)' : String(head);
  // A list entry (KAFKA_BROKERS[1]) is named by position, 1-based like a human counts.
  const where = rest.length > 0 ? `entry ${rest.map((part) => (typeof part === 'number' ? part + 1 : String(part))).join('.')}: ` : '';
  const missing = issue.code === 'invalid_type' && rest.length === 0 && present[key] === undefined;
  const problem = missing ? 'is required' : issue.message;
  return { key, problem: `${where}${problem}` };
}

/**
 * Parses several services' schemas against one environment (`parcelwatch start` composes them
 * all) and reports every problem of every schema in one ConfigError; a key shared by several
 * schemas is reported once.
 */
export function parseEnvAll<T extends Record<string, z.ZodType>>(schemas: T, env: Env = process.env): { [K in keyof T]: z.output<T[K]> } {
  const parsed: Partial<Record<keyof T, unknown>> = {};
  const issues = new Map<string, ConfigIssue>();
  for (const [name, schema] of Object.entries(schemas) as [keyof T, z.ZodType][]) {
    try {
      parsed[name] = parseEnv(schema, env);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const issue of err.issues) issues.set(`${issue.key}\u0000${issue.problem}`, issue);
    }
  }
  if (issues.size > 0) throw new ConfigError([...issues.values()]);
  return parsed as { [K in keyof T]: z.output<T[K]> };
}
