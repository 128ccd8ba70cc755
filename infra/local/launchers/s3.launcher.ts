// Adobe S3Mock from its Maven Central exec jar: an S3-compatible server that stores and verifies
// SHA-256 checksums (see infra/local/README.md for why not s3rver). The test bucket exists at start-up.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { s3MockDist } from './local-paths.js';
import { freePort } from './free-port.js';
import { waitUntilReady } from './log-wait.js';
import type { LocalRun } from './process-group.js';

export interface LocalS3 { endpoint: string; pid: number; logFile: string; version: string }

export interface LocalS3Options {
  timeoutMs?: number;
  /** Keep the stored objects when the server stops (a fault test stops it and starts it again). */
  retainFiles?: boolean;
  /** Its own directory under the run's (default 's3'), so a run can hold two servers. */
  name?: string;
}

const settingsOf = new WeakMap<LocalS3, { args: string[]; bucket: string; name: string }>();

export async function startLocalS3(localRun: LocalRun, bucket: string, options: LocalS3Options | number = {}): Promise<LocalS3> {
  const { timeoutMs = 90_000, retainFiles = false, name = 's3' } = typeof options === 'number' ? { timeoutMs: options } : options;
  const dist = s3MockDist();
  const root = path.join(localRun.dir, name, 'store');
  mkdirSync(root, { recursive: true });
  const port = await freePort();
  const logFile = path.join(localRun.dir, `${name}.log`);
  const args = [
    '-Xms64m',
    '-Xmx384m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    '-jar',
    dist.jar,
    // The plain-HTTP connector (4.x property; 5.x maps http.port onto it).
    `--com.adobe.testing.s3mock.httpPort=${port}`,
    // S3Mock always opens an HTTPS connector too: random port, loopback only.
    '--server.port=0',
    '--server.address=127.0.0.1',
    `--com.adobe.testing.s3mock.store.root=${root}`,
    `--com.adobe.testing.s3mock.store.initialBuckets=${bucket}`,
    `--com.adobe.testing.s3mock.store.retainFilesOnExit=${retainFiles}`,
    '--spring.main.banner-mode=off',
    '--logging.level.root=WARN',
    '--logging.level.com.adobe.testing.s3mock=INFO',
  ];
  const endpoint = `http://127.0.0.1:${port}`;
  const pid = await launch(localRun, args, endpoint, bucket, logFile, timeoutMs);
  const s3 = { endpoint, pid, logFile, version: dist.version };
  settingsOf.set(s3, { args, bucket, name });
  return s3;
}

/** Stops a server started by `startLocalS3` (keep its files with `retainFiles` to start it again). */
export async function stopLocalS3(localRun: LocalRun, s3: LocalS3, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  await localRun.stopService({ name: 's3mock', pid: s3.pid }, { signal, graceMs: 15_000 });
}

/** Starts a stopped server again on the same port and store; resolves when its bucket answers. */
export async function restartLocalS3(localRun: LocalRun, s3: LocalS3, timeoutMs = 90_000): Promise<LocalS3> {
  const settings = settingsOf.get(s3);
  if (!settings) throw new Error('restartLocalS3: not a server started by startLocalS3');
  const pid = await launch(localRun, settings.args, s3.endpoint, settings.bucket, s3.logFile, timeoutMs);
  const again = { ...s3, pid };
  settingsOf.set(again, settings);
  return again;
}

async function launch(localRun: LocalRun, args: string[], endpoint: string, bucket: string, logFile: string, timeoutMs: number): Promise<number> {
  const { pid } = localRun.spawnService('s3mock', 'java', args, logFile);
  await waitUntilReady(
    `S3Mock ${s3MockDist().version}`,
    pid,
    logFile,
    async () => (await fetch(`${endpoint}/${bucket}`, { method: 'HEAD', signal: AbortSignal.timeout(2_000) })).status === 200,
    timeoutMs,
  );
  return pid;
}
