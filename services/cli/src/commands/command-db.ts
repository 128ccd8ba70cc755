import type { Kysely } from 'kysely';
import { databaseConfig, databaseSettingsSchema, parseEnv } from '@parcelwatch/config';
import { createDb, type Database } from '@parcelwatch/db';

/** Audit entries written from the command line name this actor. */
export const CLI_ACTOR = 'cli';

export interface Output {
  write(text: string): unknown;
}

/** Runs `work` on DATABASE_URL (or the embedded PGlite) and closes the database after. */
export async function withDb<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const db = await createDb(databaseConfig(parseEnv(databaseSettingsSchema)));
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/** Rows as aligned columns, the first row the header. */
export function formatTable(lines: readonly (readonly string[])[]): string {
  const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  return `${lines.map((line) => line.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n')}\n`;
}
