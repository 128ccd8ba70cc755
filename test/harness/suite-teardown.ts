// Global teardown (loaded by global-teardown.ts): stop what set-up started, drop this run's
// databases, restore the env. Nothing is left running after the suite.
import { dropRunDatabases } from './template-db.js';
import { HARNESS_STATE, type HarnessState } from './harness-state.js';

export async function tearDownSuite(): Promise<void> {
  const state = (globalThis as Record<symbol, HarnessState | undefined>)[HARNESS_STATE];
  if (!state) return;
  delete (globalThis as Record<symbol, unknown>)[HARNESS_STATE];
  const errors: unknown[] = [];
  const attempt = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      errors.push(error);
    }
  };
  const db = state.db;
  // Databases first: a Postgres container must still be up to drop them.
  if (db) await attempt(() => dropRunDatabases(db.adminUrl, db.runTag));
  await Promise.all([
    state.localRun ? attempt(() => state.localRun!.stop()) : undefined,
    ...state.containers.map((c) => attempt(() => c.stop())),
  ]);
  for (const [name, value] of Object.entries(state.savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  if (errors.length > 0) throw new AggregateError(errors, `test harness teardown: ${errors.map(String).join('; ')}`);
}
