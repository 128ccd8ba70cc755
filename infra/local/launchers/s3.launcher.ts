// Adobe S3Mock from its Maven Central exec jar: an S3-compatible server that stores and verifies
// SHA-256 checksums (see infra/local/README.md for why not s3rver). The test bucket exists at start-up.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { s3MockDist } from './local-paths.js';
import { freePort } from './free-port.js';
import { waitUntilReady } from './log-wait.js';
import type { LocalRun } from './process-group.js';

export interface LocalS3 { endpoint: string; pid: number; logFile: string; version: string }

export async function startLocalS3(localRun: LocalRun, bucket: string, timeoutMs = 90_000): Promise<LocalS3> {
  const dist = s3MockDist();
  const root = path.join(localRun.dir, 's3', 'store');
  mkdirSync(root, { recursive: true });
  const port = await freePort();
  const logFile = path.join(localRun.dir, 's3.log');
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
    '--com.adobe.testing.s3mock.store.retainFilesOnExit=false',
    '--spring.main.banner-mode=off',
    '--logging.level.root=WARN',
    '--logging.level.com.adobe.testing.s3mock=INFO',
  ];
  const { pid } = localRun.spawnService('s3mock', 'java', args, logFile);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilReady(
    `S3Mock ${dist.version}`,
    pid,
    logFile,
    async () => (await fetch(`${endpoint}/${bucket}`, { method: 'HEAD', signal: AbortSignal.timeout(2_000) })).status === 200,
    timeoutMs,
  );
  return { endpoint, pid, logFile, version: dist.version };
}
