// PGlite on its own thread (see pglite-thread.ts): the database's work runs on a second core
// while the services' JavaScript runs on the main one. Plain JavaScript, so the same file runs
// from src (tests) and dist (copied by the build).
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, types } from '@electric-sql/pglite';

/** The same value parsers as create-db.ts: bigint as a safe JS number, a date as its text. */
function parseInt8(text) {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} is beyond Number.MAX_SAFE_INTEGER`);
  return value;
}

/** Everything a caller may read off a database error (SQLSTATE code, constraint, detail...). */
function errorFields(err) {
  const fields = { name: err?.name ?? 'Error', message: err?.message ?? String(err) };
  if (typeof err === 'object' && err !== null) {
    for (const [key, value] of Object.entries(err)) {
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
    }
  }
  return fields;
}

const options = { parsers: { [types.INT8]: parseInt8, [types.DATE]: (text) => text } };
let db;
try {
  db = workerData.dataDir === undefined ? await PGlite.create(options) : await PGlite.create(workerData.dataDir, options);
} catch (err) {
  // Nothing listens after this, so the thread ends once the message is out.
  parentPort.postMessage({ kind: 'failed', error: errorFields(err) });
}

if (db !== undefined) serve(db);

/** Answers queries in the order they come (PGlite runs one at a time), until asked to close. */
function serve(db) {
  parentPort.on('message', async (message) => {
    if (message.kind === 'close') {
      try {
        await db.close();
      } finally {
        parentPort.postMessage({ kind: 'closed' });
      }
      return;
    }
    try {
      const result = await db.query(message.sql, message.parameters);
      parentPort.postMessage({ kind: 'result', id: message.id, result: { rows: result.rows, affectedRows: result.affectedRows } });
    } catch (err) {
      parentPort.postMessage({ kind: 'error', id: message.id, error: errorFields(err) });
    }
  });
  parentPort.postMessage({ kind: 'ready' });
}
