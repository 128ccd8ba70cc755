// The SIGKILL fault's trigger, in the service's own process: watches the PostgreSQL client's
// queries, and once armed for a consumer group, SIGKILLs the process right after the first
// COMMIT of a transaction that recorded a new processed_messages row of that group. Polling
// from the parent would lose the race against a service that finishes a small step's input
// between two polls; here the kill lands after exactly one committed message of the step.
import pg from 'pg';

type Query = (this: pg.Client, ...args: unknown[]) => unknown;

/** Installs the watch (once per process); call the result with a group to arm it, null to disarm. */
export function killAfterCommitOf(): (group: string | null) => void {
  let armed: string | null = null;
  // Clients whose open transaction recorded a new message of the armed group.
  const recorded = new WeakSet<pg.Client>();
  const original = pg.Client.prototype.query as unknown as Query;
  const watched: Query = function (this: pg.Client, ...args) {
    return watch(this, args, original.apply(this, args));
  };
  function watch(client: pg.Client, args: unknown[], result: unknown): unknown {
    const text = typeof args[0] === 'string' ? args[0].trimStart().toLowerCase() : '';
    if (armed === null || !(result instanceof Promise)) return result;
    const group = armed;
    if (text.startsWith('insert into "processed_messages"') && Array.isArray(args[1]) && args[1].includes(group)) {
      void result.then(
        (answer: pg.QueryResult) => {
          if ((answer.rowCount ?? 0) > 0) recorded.add(client);
        },
        () => undefined,
      );
    } else if (text === 'rollback') {
      recorded.delete(client);
    } else if (text === 'commit' && recorded.has(client)) {
      // Runs before the service's own continuation of the commit: nothing after it happens.
      void result.then(
        () => process.kill(process.pid, 'SIGKILL'),
        () => recorded.delete(client),
      );
    }
    return result;
  }
  pg.Client.prototype.query = watched as unknown as typeof pg.Client.prototype.query;
  return (group) => {
    armed = group;
  };
}
