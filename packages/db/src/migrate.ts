import { Migrator, NO_MIGRATIONS, type Kysely, type Migration, type MigrationResult } from 'kysely';
import { migrations } from '@parcelwatch/migrations';

export class MigrationError extends Error {
  readonly retriable = false;
  constructor(
    message: string,
    readonly migrationName: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/** The migrations to run: the project's own, unless a test hands in its own set. */
type MigrationSet = Record<string, Migration>;

function migrator(db: Kysely<any>, set: MigrationSet): Migrator {
  // kysely runs them in name order (the timestamp prefix), not in the record's key order.
  return new Migrator({ db, provider: { getMigrations: async () => set } });
}

function check(results: MigrationResult[] | undefined, error: unknown, direction: string): string[] {
  if (error !== undefined && error !== null) {
    const failed = results?.find((r) => r.status === 'Error');
    const name = failed?.migrationName;
    const detail = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`migration ${direction} failed${name ? ` at ${name}` : ''}: ${detail}`, name, { cause: error });
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** Applies every pending migration (kysely's Migrator holds a lock, so concurrent callers are safe). Returns the names applied. */
export async function migrateToLatest(db: Kysely<any>, set: MigrationSet = migrations): Promise<string[]> {
  const { results, error } = await migrator(db, set).migrateToLatest();
  return check(results, error, 'up');
}

/** Rolls back every applied migration, newest first. Returns the names rolled back. */
export async function migrateDownAll(db: Kysely<any>, set: MigrationSet = migrations): Promise<string[]> {
  const { results, error } = await migrator(db, set).migrateTo(NO_MIGRATIONS);
  return check(results, error, 'down');
}
