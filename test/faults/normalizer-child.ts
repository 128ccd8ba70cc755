// Runs normalizer-process.ts as a child process and hands the fault pipeline a Service for it,
// plus the pid to kill.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Service } from '@parcelwatch/service-kit';
import type { StartNormalizer } from './fault-pipeline.js';

const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
// Child processes refuse non-loopback connections too (the guard prints to stderr, which these tests check).
const LOOPBACK_GUARD = new URL('../../test/harness/loopback-guard.mjs', import.meta.url).href;
const RUNNER = fileURLToPath(new URL('./normalizer-process.ts', import.meta.url));

export interface NormalizerChild extends Service {
  setNow(now: string): void;
  pid(): number | undefined;
  /** Resolves once the process has exited (after a kill). */
  exited(): Promise<void>;
}

export function childNormalizers(spawned: NormalizerChild[]): StartNormalizer {
  return async (settings) => {
    let child: ChildProcess | undefined;
    let exit: Promise<void> = Promise.resolve();
    const handle: NormalizerChild = {
      name: 'normalizer (child process)',
      async start() {
        child = spawn(process.execPath, ['--import', TSX, '--import', LOOPBACK_GUARD, RUNNER], {
          env: { ...process.env, FAULT_NORMALIZER: JSON.stringify(settings) },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        const proc = child;
        exit = new Promise((resolve) => proc.once('exit', () => resolve()));
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('the normalizer process did not start within 120 s')), 120_000);
          proc.once('message', () => {
            clearTimeout(timer);
            resolve();
          });
          proc.once('exit', (code, signal) => {
            clearTimeout(timer);
            reject(new Error(`the normalizer process exited during start-up (${code ?? signal})`));
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
      pid: () => child?.pid,
      exited: () => exit,
    };
    spawned.push(handle);
    return handle;
  };
}
