import type { LocalRun } from '../../infra/local/launchers/process-group.js';
import type { StartedContainer } from './containers.js';

/** What set-up started, handed to teardown through globalThis (both run in jest's parent process). */
export interface HarnessState {
  savedEnv: Record<string, string | undefined>;
  containers: StartedContainer[];
  localRun?: LocalRun;
  db?: { adminUrl: string; runTag: string };
  timings: Record<string, number>;
}

export const HARNESS_STATE = Symbol.for('parcelwatch.test-harness.state');
