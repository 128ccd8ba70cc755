import type { DatabaseConnection, Dialect, Driver, Kysely, TransactionSettings } from 'kysely';

/**
 * PGlite is one session. kysely-pglite hands that session to every caller at once, so two
 * concurrent transactions interleave on it and one's ROLLBACK undoes the other's work. This
 * wrapper gives the connection to one holder at a time (as kysely's SQLite driver does), so
 * a transaction in embedded mode is as isolated as on a pg Pool of size one.
 */
class ExclusiveConnectionDriver implements Driver {
  private queue: Promise<void> = Promise.resolve();
  private readonly releases = new Map<DatabaseConnection, () => void>();

  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const previous = this.queue;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    const connection = await this.inner.acquireConnection();
    this.releases.set(connection, release);
    return connection;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.releaseConnection(connection);
    } finally {
      const release = this.releases.get(connection);
      this.releases.delete(connection);
      release?.();
    }
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

export function exclusiveConnectionDialect(inner: Dialect): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createDriver: () => new ExclusiveConnectionDriver(inner.createDriver()),
    createIntrospector: (db: Kysely<any>) => inner.createIntrospector(db),
    createQueryCompiler: () => inner.createQueryCompiler(),
  };
}
