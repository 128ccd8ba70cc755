import { databaseConfig, databaseSettingsSchema, parseEnv } from '@parcelwatch/config';
import { createDb, migrateDownAll, migrateToLatest } from '@parcelwatch/db';

/** `parcelwatch migrate [--down-all]` on DATABASE_URL, or the embedded PGlite under ./data. */
export async function migrateCommand(options: { downAll: boolean }): Promise<number> {
  const settings = parseEnv(databaseSettingsSchema);
  const db = await createDb(databaseConfig(settings));
  try {
    const names = options.downAll ? await migrateDownAll(db) : await migrateToLatest(db);
    const verb = options.downAll ? 'rolled back' : 'applied';
    process.stdout.write(names.length === 0 ? `nothing to do\n` : names.map((n) => `${verb} ${n}\n`).join(''));
    return 0;
  } finally {
    await db.destroy();
  }
}
