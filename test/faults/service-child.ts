// Runs service-process.ts as a child process, one per consuming service, and hands the fault
// pipeline a Service for it, plus the pid and the armed kill.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConsumingService, RunningService, StartService } from './fault-pipeline.js';

const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
// Child processes refuse non-loopback connections too (the guard prints to stderr, which these tests check).
const LOOPBACK_GUARD = new URL('../../test/harness/loopback-guard.mjs', import.meta.url).href;
const RUNNER = fileURLToPath(new URL('./service-process.ts', import.meta.url));

export interface ServiceChild extends RunningService {
  service: ConsumingService;
  pid(): number | undefined;
  /** The process SIGKILLs itself right after its next commit of a new message of `group` (null: not any more). */
  killAfterCommit(group: string | null): void;
  /** Resolves once the process has exited, with the signal that ended it (null: it exited). */
  exited(): Promise<NodeJS.Signals | null>;
}

/** Starts each consuming service in a process of its own; every process started is pushed to `spawned`. */
export function childServices(spawned: ServiceChild[]): StartService {
  return async (settings) => {
    let child: ChildProcess | undefined;
    let exit: Promise<NodeJS.Signals | null> = Promise.resolve(null);
    const handle: ServiceChild = {
      name: `${settings.service} (child process)`,
      service: settings.service,
      async start() {
        child = spawn(process.execPath, ['--import', TSX, '--import', LOOPBACK_GUARD, RUNNER], {
          env: { ...process.env, FAULT_SERVICE: JSON.stringify(settings) },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        const proc = child;
        exit = new Promise((resolve) => proc.once('exit', (_code, signal) => resolve(signal)));
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`the ${settings.service} process did not start within 120 s`)), 120_000);
          proc.once('message', () => {
            clearTimeout(timer);
            resolve();
          });
          proc.once('exit', (code, signal) => {
            clearTimeout(timer);
            reject(new Error(`the ${settings.service} process exited during start-up (${code ?? signal})`));
          });
        });
      },
      async stop() {
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        child.send({ stop: true });
        await exit;
      },
      isHealthy: () => child !== undefined && child.exitCode === null && child.signalCode === null,
      setNow(now) {
        if (child?.connected) child.send({ now });
      },
      killAfterCommit(group) {
        if (child?.connected) child.send({ killAfterCommit: group });
      },
      pid: () => child?.pid,
      exited: () => exit,
    };
    spawned.push(handle);
    return handle;
  };
}
