import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from './process-group.js';

export function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Polls `ready` until it resolves true. Fails fast, with the log's tail, when the process dies
 * or the deadline passes: a service that cannot start must say why, not hang the suite.
 */
export async function waitUntilReady(
  name: string,
  pid: number,
  logFile: string,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready().catch(() => false)) return;
    if (!isAlive(pid)) throw new Error(`${name} exited during start-up; log ${logFile}:\n${tail(logFile)}`);
    if (Date.now() > deadline) throw new Error(`${name} not ready after ${timeoutMs} ms; log ${logFile}:\n${tail(logFile)}`);
    await sleep(200);
  }
}
