// PostgreSQL for the integration suite: one migrated template database per run, and a cheap
// copy of it per test file (CREATE DATABASE ... TEMPLATE copies files, no migrations re-run).
// Names carry the run's start time so a later run can drop what a crashed run left behind.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export const DB_PREFIX = 'pw_test_';
const STALE_AFTER_MS = 3 * 60 * 60 * 1000;

/** `pw_test_<yyyymmddhhmmss>_<rand>`: sortable, parseable, unique across concurrent runs. */
export function newRunTag(now = new Date()): string {
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
  return `${DB_PREFIX}${stamp}_${randomBytes(3).toString('hex')}`;
}

export function runTagStartedAt(name: string): Date | undefined {
  const m = /^pw_test_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})_/.exec(name);
  if (!m) return undefined;
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const OBJECT_IN_USE = '55006';

/**
 * Copies the template. PostgreSQL refuses while another session is connected to the template
 * (e.g. a test holding DATABASE_URL open), so that case is retried for a while before failing.
 */
export async function cloneTemplate(adminUrl: string, template: string, name: string): Promise<void> {
  await withAdmin(adminUrl, async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== OBJECT_IN_USE || attempt >= 40) {
          throw new Error(`could not copy template ${template} to ${name}: ${(error as Error).message}`, { cause: error });
        }
        await sleep(250);
      }
    }
  });
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

/**
 * Drops this run's databases (template and per-file copies) and those of earlier runs that
 * started more than a few hours ago: a live concurrent run is never that old.
 */
export async function dropRunDatabases(adminUrl: string, runTag: string | undefined, now = Date.now()): Promise<string[]> {
  return withAdmin(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname`,
      [`${DB_PREFIX.replace(/_/g, '\\_')}%`],
    );
    const doomed = rows
      .map((r) => r.datname)
      .filter((name) => {
        if (runTag !== undefined && name.startsWith(`${runTag}_`)) return true;
        const startedAt = runTagStartedAt(name);
        return startedAt !== undefined && now - startedAt.getTime() > STALE_AFTER_MS;
      });
    // Copies first: the template cannot go while a copy is being made from it.
    doomed.sort((a, b) => Number(a.endsWith('_tpl')) - Number(b.endsWith('_tpl')));
    for (const name of doomed) await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    return doomed;
  });
}
