// Where the local launchers keep their jars and per-run state, and which versions they run:
// the versions live in the Maven poms (one source of truth for .ci/fetch-services.sh and the launchers).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const localDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(localDir, '../..');
export const cacheDir = path.join(localDir, '.cache');
export const runsDir = path.join(cacheDir, 'runs');
export const fetchScript = path.join(repoRoot, '.ci/fetch-services.sh');

function pomProperty(pom: string, name: string): string {
  const text = readFileSync(path.join(localDir, pom), 'utf8');
  const match = new RegExp(`<${name.replace(/\./g, '\\.')}>([^<]+)</`).exec(text);
  if (!match?.[1]) throw new Error(`${pom} has no <${name}> property`);
  return match[1].trim();
}

export interface KafkaDist { version: string; libsDir: string; log4jConfig: string }
export interface S3MockDist { version: string; jar: string }

export function kafkaDist(): KafkaDist {
  const version = pomProperty('kafka/pom.xml', 'kafka.version');
  return {
    version,
    libsDir: path.join(cacheDir, `kafka-${version}`, 'libs'),
    log4jConfig: path.join(localDir, 'kafka/log4j2.properties'),
  };
}

export function s3MockDist(): S3MockDist {
  const version = pomProperty('s3/pom.xml', 's3mock.version');
  return { version, jar: path.join(cacheDir, `s3mock-${version}`, `s3mock-${version}-exec.jar`) };
}

/** The fetch script writes `.complete` last, so a half-finished download never counts as present. */
export function jarsPresent(): boolean {
  const kafka = kafkaDist();
  const s3 = s3MockDist();
  return existsSync(path.join(kafka.libsDir, '.complete')) && existsSync(path.join(path.dirname(s3.jar), '.complete'));
}
