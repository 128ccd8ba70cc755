import { readFile } from 'node:fs/promises';
import { secretBoxOf, secretKeySettingsSchema } from '@parcelwatch/secrets';
import { createShipmentRegistrar, CsvImportError, importShipmentCsv } from '@parcelwatch/api';
import { databaseConfig, databaseSettingsSchema, parseEnv } from '@parcelwatch/config';
import { TOPIC } from '@parcelwatch/contracts';
import { createDb } from '@parcelwatch/db';
import { systemClock } from '@parcelwatch/service-kit';
import { UsageError } from './carriers.command.js';

/*
 * `parcelwatch import <csv> [--allow-rejects]`: registers a CSV of shipments in the configured
 * database (DATABASE_URL, or the embedded PGlite under ./data) with the api's own CSV parsing,
 * validation and registrar, so the file means the same as a POST /v1/shipments/import. The
 * registration events go to the outbox: a running (or the next) `parcelwatch start` publishes
 * them and polling begins. Whoever holds the database may import for any merchant.
 */

interface Output {
  write(text: string): unknown;
}

export class CsvFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvFileError';
  }
}

export async function importCommand(
  options: { file: string; allowRejects: boolean },
  out: Output = process.stdout,
  err: Output = process.stderr,
): Promise<number> {
  const text = await readFile(options.file, 'utf8').catch((cause: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${options.file}: ${cause.code === 'ENOENT' ? 'no such file' : cause.message}`);
  });
  const db = await createDb(databaseConfig(parseEnv(databaseSettingsSchema)));
  try {
    const registrar = createShipmentRegistrar({ db, clock: systemClock, shipmentsTopic: TOPIC.shipments, secrets: secretBoxOf(parseEnv(secretKeySettingsSchema)) });
    let result;
    try {
      result = await importShipmentCsv(registrar, text, null);
    } catch (cause) {
      if (cause instanceof CsvImportError) throw new CsvFileError(`${options.file}: ${cause.message}`);
      throw cause;
    }
    for (const row of result.results) {
      if (row.status === 'error') err.write(`${options.file}:${row.line ?? '?'}: rejected (${row.error}): ${row.message}\n`);
    }
    const { created, existing, errors } = result.summary;
    out.write(`${options.file}: ${created + existing} accepted (${created} new, ${existing} already registered), ${errors} rejected\n`);
    return errors > 0 && !options.allowRejects ? 1 : 0;
  } finally {
    await db.destroy();
  }
}
