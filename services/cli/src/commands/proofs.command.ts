import { openBlobStore } from '@parcelwatch/archive';
import { createProofArchive, proofView, verifyProofs, type VerifyReport } from '@parcelwatch/archiver';
import { blobStoreConfig, databaseConfig, databaseSettingsSchema, parseEnv, s3SettingsSchema } from '@parcelwatch/config';
import { createDb, loadProofShipment, type Database } from '@parcelwatch/db';
import { createLogger } from '@parcelwatch/logger';
import { systemClock } from '@parcelwatch/service-kit';
import type { Kysely } from 'kysely';
import { UsageError } from './carriers.command.js';

/*
 * `parcelwatch proofs verify <shipment>` and `parcelwatch proofs appeal <shipment>`, on
 * DATABASE_URL (or the embedded PGlite) and S3_* (or the filesystem store under BLOB_DIR).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Output {
  write(text: string): unknown;
}

async function withArchive<T>(shipmentId: string | undefined, work: (ctx: { db: Kysely<Database>; blobStore: Awaited<ReturnType<typeof openBlobStore>>; shipmentId: string }) => Promise<T>): Promise<T> {
  if (shipmentId === undefined || !UUID.test(shipmentId)) throw new UsageError(`proofs needs a shipment id (a lowercase UUID)${shipmentId === undefined ? '' : `, got '${shipmentId}'`}`);
  const db = await createDb(databaseConfig(parseEnv(databaseSettingsSchema)));
  try {
    const blobStore = await openBlobStore(blobStoreConfig(parseEnv(s3SettingsSchema)));
    if ((await loadProofShipment(db, shipmentId)) === undefined) throw new UsageError(`no shipment ${shipmentId}`);
    return await work({ db, blobStore, shipmentId });
  } finally {
    await db.destroy();
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')).join('\n');
}

/** The report as a person reads it: one line per proof, then one per finding. */
export function formatVerifyReport(report: VerifyReport): string {
  const lines = [`shipment ${report.shipmentId}: ${report.proofs.length} proof(s), ${report.findings.length} finding(s)`];
  if (report.proofs.length > 0) {
    lines.push('', table([['KIND', 'CREATED', 'OBJECTS', 'RESULT', 'MANIFEST'], ...report.proofs.map((p) => [p.kind, p.createdAt, String(p.objectsChecked), p.ok ? 'ok' : 'MISMATCH', p.manifestKey])]));
  }
  if (report.findings.length > 0) {
    lines.push(
      '',
      table([
        ['PROBLEM', 'KIND', 'OBJECT', 'DETAIL'],
        ...report.findings.map((f) => [f.problem, f.kind, f.key, `${f.detail}${f.expected !== undefined ? ` (expected ${f.expected ?? 'none'}, found ${f.actual ?? 'none'})` : ''}`]),
      ]),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Exit 0 when every object of every proof reads back as stored, 1 on any finding. */
export async function proofsVerifyCommand(shipmentId: string | undefined, out: Output = process.stdout): Promise<number> {
  return withArchive(shipmentId, async ({ db, blobStore, shipmentId: id }) => {
    const report = await verifyProofs(db, blobStore, id);
    out.write(formatVerifyReport(report));
    return report.ok ? 0 : 1;
  });
}

/** Writes an appeal bundle now (its proof.stored event waits in the outbox for the relay) and prints the proof. */
export async function proofsAppealCommand(shipmentId: string | undefined, requestedBy: string | null, out: Output = process.stdout): Promise<number> {
  return withArchive(shipmentId, async ({ db, blobStore, shipmentId: id }) => {
    const archive = createProofArchive({ db, blobStore, clock: systemClock, logger: createLogger({ name: 'cli', level: 'silent' }) });
    const proof = await archive.createAppealBundle(id, requestedBy);
    out.write(`${JSON.stringify(proofView(proof), null, 2)}\n`);
    return 0;
  });
}
