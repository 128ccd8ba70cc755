import { Worker } from 'node:worker_threads';
import { CompiledQuery, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryResult } from 'kysely';

/*
 * PGlite on a worker thread. PGlite is PostgreSQL compiled to WebAssembly: every query runs on
 * the thread that calls it. In `parcelwatch start` that is the thread the services' JavaScript
 * needs too (parsing carrier answers, rendering messages, HTTP), so on the main thread the two
 * take turns on one core. On a worker they run side by side. Queries and results cross as
 * structured clones (Dates, Uint8Arrays and JSON values survive); errors keep their SQLSTATE
 * `code` and other fields, so retry decisions are the same as on the main thread.
 */

interface Pending {
  resolve: (result: QueryResult<unknown>) => void;
  reject: (err: Error) => void;
}

type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'closed' }
  | { kind: 'failed'; error: ErrorFields }
  | { kind: 'result'; id: number; result: { rows: unknown[]; affectedRows?: number } }
  | { kind: 'error'; id: number; error: ErrorFields };

type ErrorFields = { name: string; message: string } & Record<string, string | number | boolean | null>;

function rebuildError(fields: ErrorFields): Error {
  const { name, message, ...rest } = fields;
  const err = new Error(message);
  err.name = name;
  return Object.assign(err, rest);
}

class PGliteThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;
  private readonly ready: Promise<void>;
  private onClosed: (() => void) | undefined;

  constructor(dataDir: string | undefined) {
    this.worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData: { dataDir } });
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (reply: WorkerReply) => {
        if (reply.kind === 'ready') resolve();
        else if (reply.kind === 'failed') {
          const err = rebuildError(reply.error);
          reject(err);
          this.fail(err);
        }
        else if (reply.kind === 'closed') this.onClosed?.();
        else this.settle(reply);
      });
      this.worker.on('error', (err) => {
        reject(err);
        this.fail(err);
      });
      this.worker.on('exit', (code) => {
        const err = new Error(`the PGlite worker thread exited (code ${code})`);
        reject(err);
        this.fail(err);
      });
    });
    // Whoever queries or closes sees a failed start; an unawaited one must not crash the process.
    this.ready.catch(() => undefined);
  }

  start(): Promise<void> {
    return this.ready;
  }

  query(sql: string, parameters: readonly unknown[]): Promise<QueryResult<unknown>> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ kind: 'query', id, sql, parameters });
    });
  }

  async close(): Promise<void> {
    // A worker still opening the database finishes first (its files must not be half-made).
    await this.ready.catch(() => undefined);
    if (this.failure) return;
    const closed = new Promise<void>((resolve) => (this.onClosed = resolve));
    this.worker.postMessage({ kind: 'close' });
    await closed;
    await this.worker.terminate();
  }

  private settle(reply: Extract<WorkerReply, { id: number }>): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (reply.kind === 'error') {
      pending.reject(rebuildError(reply.error));
      return;
    }
    const { rows, affectedRows } = reply.result;
    // What kysely reads off a result (numAffectedRows for UPDATE/DELETE/INSERT without RETURNING).
    pending.resolve({ rows, ...(affectedRows !== undefined ? { numAffectedRows: BigInt(affectedRows) } : {}) });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
  }
}

class ThreadConnection implements DatabaseConnection {
  constructor(private readonly thread: PGliteThread) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.thread.query(query.sql, query.parameters) as Promise<QueryResult<R>>;
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not stream results');
  }
}

class ThreadDriver implements Driver {
  private thread: PGliteThread | undefined;
  private connection: ThreadConnection | undefined;

  constructor(private readonly dataDir: string | undefined) {}

  /** The thread starts on first use (kysely calls init then), so a handle never queried costs nothing. */
  async init(): Promise<void> {
    this.thread = new PGliteThread(this.dataDir);
    this.connection = new ThreadConnection(this.thread);
    await this.thread.start();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection!;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    await this.thread?.close();
  }
}

/** A kysely dialect for PGlite on a worker thread (one session: wrap it in exclusiveConnectionDialect). */
export function pgliteThreadDialect(dataDir: string | undefined): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new ThreadDriver(dataDir),
    createIntrospector: (db: Kysely<unknown>) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}
